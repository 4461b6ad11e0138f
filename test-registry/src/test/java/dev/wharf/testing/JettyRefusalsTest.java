package dev.wharf.testing;

import dev.wharf.servlet.suite.RawHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The requests Jetty answers on its own, before or around the servlet, sent over a bare socket because an
 * HTTP client would normalise or refuse them: each answer is the spec's error envelope with a status that
 * says what was wrong, never Jetty's HTML page or an empty body.
 */
class JettyRefusalsTest {
    private static final String HOST = "Host: registry\r\n";
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static Response send(String method, String request) {
        return RawHttp.sendVerbatim(registry.baseUri(), method, request)
                .orElseThrow(() -> new AssertionError("no answer to " + request.lines().findFirst().orElse("")));
    }

    /** Each row: what is wrong, the request line, extra header lines ('|' separates them), status, code. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            empty segment in the name (GET);       GET /v2/a//b/manifests/x;            ;                                  400; NAME_INVALID
            empty segment in the name (PUT);       PUT /v2/a//b/manifests/x;            Content-Length: 0;                 400; NAME_INVALID
            encoded slash;                         GET /v2/a%2Fb/manifests/x;           ;                                  400; UNSUPPORTED
            encoded dot segment;                   DELETE /v2/a/%2e%2e/b/manifests/x;   ;                                  400; UNSUPPORTED
            encoded percent;                       GET /v2/a/%25/tags/list;             ;                                  400; UNSUPPORTED
            malformed escape;                      GET /v2/a/%zz/tags/list;             ;                                  400; UNSUPPORTED
            encoded backslash;                     GET /v2/a%5Cb/tags/list;             ;                                  400; UNSUPPORTED
            dot segments above the root;           GET /../../v2/;                      ;                                  400; UNSUPPORTED
            illegal character in the method;       G(T /v2/;                            ;                                  400; UNSUPPORTED
            space in a header name;                GET /v2/;                            Bad Header: x;                     400; UNSUPPORTED
            two Content-Length headers;            PUT /v2/a/manifests/x;               Content-Length: 1|Content-Length: 2; 400; UNSUPPORTED
            malformed Content-Length;              POST /v2/a/blobs/uploads/;           Content-Length: ten;               400; UNSUPPORTED
            unknown expectation;                   POST /v2/a/blobs/uploads/;           Expect: miracles|Content-Length: 0; 417; UNSUPPORTED
            root of the server;                    GET /;                               ;                                  404; UNSUPPORTED
            path outside /v2/ (DELETE);            DELETE /admin;                       ;                                  404; UNSUPPORTED
            path outside /v2/ (PATCH);             PATCH /v3/a/blobs/uploads/x;         Content-Length: 0;                 404; UNSUPPORTED
            """)
    void shouldAnswerInErrorEnvelopeWhenJettyRefusesTheRequest(String what, String requestLine, String headers,
                                                               int status, String code) {
        String method = requestLine.substring(0, requestLine.indexOf(' '));
        String extra = headers == null ? "" : String.join("\r\n", headers.split("\\|")) + "\r\n";
        Response r = send(method, requestLine + " HTTP/1.1\r\n" + HOST + extra + "\r\n");

        assertError(r, status, code);
        assertThat(r.json().path("errors").get(0).path("message").asText()).as(r::describe).isNotBlank();
        assertThat(r.header("Docker-Distribution-API-Version")).as(r::describe).contains("registry/2.0");
    }

    @Test
    void shouldAnswerInErrorEnvelopeWhenHeadersAreTooLarge() {
        Response r = send("GET", "GET /v2/ HTTP/1.1\r\n" + HOST + "X-Padding: " + "p".repeat(64 * 1024) + "\r\n\r\n");
        assertError(r, 431, "UNSUPPORTED");
    }

    @Test
    void shouldHoldRequestHeadsToTheConfiguredSizeAndCount() {
        TestRegistryOptions strict = TestRegistryOptions.defaults().withMaxRequestHeaderBytes(2048)
                .withTransferLimits(dev.wharf.servlet.TransferLimits.defaults().withMaxRequestHeaders(12));
        try (TestRegistry limited = TestRegistry.start(strict)) {
            Response big = RawHttp.sendVerbatim(limited.baseUri(), "GET", "GET /v2/ HTTP/1.1\r\n" + HOST
                    + "X-Padding: " + "p".repeat(3000) + "\r\n\r\n").orElseThrow();
            assertError(big, 431, "UNSUPPORTED");
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                many.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
            }
            Response crowded = RawHttp.sendVerbatim(limited.baseUri(), "GET", "GET /v2/ HTTP/1.1\r\n" + HOST
                    + many + "\r\n").orElseThrow();
            assertThat(assertError(crowded, 431, "UNSUPPORTED").path("message").asText()).contains("more than 12");
            Response fine = RawHttp.sendVerbatim(limited.baseUri(), "GET", "GET /v2/ HTTP/1.1\r\n" + HOST
                    + "X-Padding: " + "p".repeat(1000) + "\r\n\r\n").orElseThrow();
            assertThat(fine.status()).as(fine::describe).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswerInErrorEnvelopeWhenUriIsTooLong() {
        Response r = send("GET", "GET /v2/" + "a".repeat(64 * 1024) + "/tags/list HTTP/1.1\r\n" + HOST + "\r\n");
        assertError(r, 414, "UNSUPPORTED");
    }

    @Test
    void shouldAnswerInErrorEnvelopeWhenHttpVersionIsUnknown() {
        Response r = send("GET", "GET /v2/ HTTP/7.0\r\n" + HOST + "\r\n");
        assertError(r, 505, "UNSUPPORTED");
    }

    @Test
    void shouldAnswerInErrorEnvelopeWhenHostIsMissing() {
        Response r = send("GET", "GET /v2/ HTTP/1.1\r\n\r\n");
        assertError(r, 400, "UNSUPPORTED");
    }

    @Test
    void shouldAnswerInErrorEnvelopeWhenRequestLineIsGarbage() {
        Response r = send("GET", "no request line here\r\n\r\n");
        assertError(r, 400, "UNSUPPORTED");
    }

    @Test
    void shouldSendHeadersOnlyWhenJettyRefusesHead() {
        Response r = send("HEAD", "HEAD /elsewhere HTTP/1.1\r\n" + HOST + "\r\n");
        assertHeadError(r, 404);
        assertThat(r.mediaType()).as(r::describe).isEqualTo("application/json");
    }

    @Test
    void shouldNameTheApiRootWhenPathIsOutsideV2() {
        Response r = send("GET", "GET /index.html HTTP/1.1\r\n" + HOST + "\r\n");
        assertThat(assertError(r, 404, "UNSUPPORTED").path("message").asText()).contains("/v2/");
    }
}
