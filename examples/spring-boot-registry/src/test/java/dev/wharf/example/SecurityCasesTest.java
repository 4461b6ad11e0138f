package dev.wharf.example;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry behind Spring Security as real clients meet it: anonymous pull, authenticated push, and every refusal
 * in the spec's envelope with the challenge clients answer. alice holds {@code ROLE_PUSHER}, which the rules let push;
 * bob is authenticated but may only pull.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "wharf.security.rules[0].authority=ROLE_PUSHER",
        "wharf.security.rules[0].actions=*",
        "wharf.security.rules[1].authority=authenticated",
        "wharf.security.rules[1].actions=pull"})
class SecurityCasesTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @TestConfiguration
    static class Users {
        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}secret").roles("PUSHER").build(),
                    User.withUsername("bob").password("{noop}hunter2").roles("READER").build());
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization, byte[] body,
                                      String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Pushes {@code bytes} as a blob into {@code repo} as {@code authorization}, the body typed as a form. */
    private HttpResponse<String> pushForm(String repo, byte[] bytes, String authorization) throws Exception {
        HttpResponse<String> start = send("POST", "/v2/" + repo + "/blobs/uploads/", authorization, null, null);
        if (start.statusCode() != 202) {
            return start;
        }
        String location = start.headers().firstValue("Location").orElseThrow();
        return send("PUT", location + "?digest=" + sha256(bytes), authorization, bytes,
                "application/x-www-form-urlencoded");
    }

    private static void assertEnvelope(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).startsWith("{\"errors\":[{\"code\":\"" + code + "\"");
    }

    @Test
    void shouldChallengeAnonymousCallersAtTheBaseAndAdmitUsers() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/v2/", null, null, null);
        assertEnvelope(anonymous, 401, "UNAUTHORIZED");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"wharf\"");
        assertThat(send("GET", "/v2/", basic("alice", "secret"), null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = send("GET", "/v2/", basic("alice", "nope"), null, null);
        assertEnvelope(wrong, 401, "UNAUTHORIZED");
        assertThat(wrong.body()).contains("user name or password is wrong");
        assertThat(send("GET", "/hello", null, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldLetAlicePushAndEveryonePullButRefuseOthersWithTheRightAnswers() throws Exception {
        byte[] blob = "a blob pushed as a form".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> anonymous = pushForm("team/app", blob, null);
        assertEnvelope(anonymous, 401, "UNAUTHORIZED");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"wharf\"");
        assertEnvelope(pushForm("team/app", blob, basic("bob", "hunter2")), 403, "DENIED");
        assertEnvelope(pushForm("team/app", blob, basic("alice", "wrong")), 401, "UNAUTHORIZED");
        assertThat(pushForm("team/app", blob, basic("alice", "secret")).statusCode()).isEqualTo(201);

        // application.properties lets anonymous callers pull everything; bob may pull as himself too.
        assertThat(send("GET", "/v2/team/app/blobs/" + sha256(blob), null, null, null).statusCode()).isEqualTo(200);
        assertEnvelope(send("GET", "/v2/team/app/blobs/" + sha256(blob), basic("bob", "wrong"), null, null),
                401, "UNAUTHORIZED");
        HttpResponse<String> pulled = send("GET", "/v2/team/app/blobs/" + sha256(blob), basic("bob", "hunter2"),
                null, null);
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo("a blob pushed as a form");
    }

    @Test
    void shouldTakeEmptyBasicCredentialsAsAnonymous() throws Exception {
        // skopeo's "no credentials" after a Basic challenge: pulls and lists as anonymous, not as a failed login.
        HttpResponse<String> empty = send("GET", "/v2/_catalog", "Basic Og==", null, null);
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
        assertEnvelope(send("GET", "/v2/_catalog", basic("", "x"), null, null), 401, "UNAUTHORIZED");
    }
}
