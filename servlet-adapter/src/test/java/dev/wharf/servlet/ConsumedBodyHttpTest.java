package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.Registry;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A filter of the application in front of the registry that has already read a request's body (a form filter
 * parsing an upload sent as {@code application/x-www-form-urlencoded}, a logging filter, a security check): the
 * registry then sees an empty body where a length was declared. It answers in the spec's envelope with a message
 * that names the cause, stores nothing, and never hangs or fails with a 500, on every container.
 */
class ConsumedBodyHttpTest {
    private static final String FORM = "application/x-www-form-urlencoded";

    /** Reads every upload body before the registry sees it, the way a body-parsing filter would. */
    static final Filter READS_BODIES = (request, response, chain) -> {
        HttpServletRequest http = (HttpServletRequest) request;
        if (!http.getMethod().equals("GET") && !http.getMethod().equals("HEAD")) {
            request.getInputStream().readAllBytes();
        }
        chain.doFilter(request, response);
    };

    /**
     * Asks for a request parameter, as Spring's {@code HiddenHttpMethodFilter} does: for a form-typed {@code POST}
     * the container then parses the body as form fields.
     */
    static final Filter PARSES_FORMS = (request, response, chain) -> {
        request.getParameter("_method");
        chain.doFilter(request, response);
    };

    private static void assertNamesTheCause(Response response) {
        JsonNode error = assertError(response, 400, "SIZE_INVALID");
        assertThat(error.path("message").asText()).as(response.describe())
                .contains("not one byte of the body reached the registry", "already read it");
        assertThat(error.path("detail").path("received").asLong(-1)).isZero();
        assertThat(error.path("detail").path("declared").asLong()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldNameTheCauseWhenAFilterReadTheBody(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = container.start(Registry.builder().build(), READS_BODIES)) {
            RegistryHttp http = new RegistryHttp(server.baseUri(), server.quirks());
            byte[] blob = Content.randomBytes(64 * 1024);
            String digest = Content.sha256(blob);

            assertNamesTheCause(http.post("/v2/team/app/blobs/uploads/?digest=" + digest, blob,
                    "Content-Type", "application/octet-stream"));
            assertNamesTheCause(http.patch(http.startUpload("team/app"), blob,
                    "Content-Type", "application/octet-stream"));
            assertNamesTheCause(http.put(RegistryHttp.withQuery(http.startUpload("team/app"), "digest=" + digest),
                    blob, "Content-Type", FORM));
            assertStatus(http.head("/v2/team/app/blobs/" + digest), 404);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldNameTheCauseWhenTheContainerParsedAFormTypedPost(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = container.start(Registry.builder().build(), PARSES_FORMS)) {
            RegistryHttp http = new RegistryHttp(server.baseUri(), server.quirks());
            // Bytes that parse as form fields: the container takes them for the application's parameters.
            byte[] blob = ("layer=" + Content.sha256(Content.randomBytes(64)).substring(7) + "&x=1")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String digest = Content.sha256(blob);

            assertNamesTheCause(http.post("/v2/team/app/blobs/uploads/?digest=" + digest, blob,
                    "Content-Type", FORM));
            assertStatus(http.head("/v2/team/app/blobs/" + digest), 404);
            // Tomcat parses only a POST's body into parameters, so there the same bytes in a form-typed PUT are
            // stored as they are; Jetty and Undertow parse a PUT's too.
            Response put = http.put(RegistryHttp.withQuery(http.startUpload("team/app"), "digest=" + digest), blob,
                    "Content-Type", FORM);
            if (container != ContainerUnderTest.TOMCAT) {
                assertNamesTheCause(put);
                assertStatus(http.head("/v2/team/app/blobs/" + digest), 404);
            } else {
                assertStatus(put, 201);
                assertThat(http.get("/v2/team/app/blobs/" + digest).body()).isEqualTo(blob);
            }
        }
    }
}
