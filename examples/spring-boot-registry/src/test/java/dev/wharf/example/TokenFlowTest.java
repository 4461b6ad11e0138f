package dev.wharf.example;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry token flow in the application ({@code wharf.security.token-auth=true}): anonymous requests are
 * challenged with a bearer realm at the application's {@code /token}; {@code alice} gets a token for push there and
 * pushes with it; an anonymous token grants only pull, and a push with it is challenged for the scope it lacks;
 * a wrong password gets no token. The application's own endpoint is untouched.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "wharf.security.token-auth=true")
class TokenFlowTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String token(String scope, String authorization) throws Exception {
        HttpResponse<String> answer = get("/token?service=wharf&scope=" + scope, authorization);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body()).path("token").asText();
    }

    private HttpResponse<String> startUpload(String repository, String token) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/" + repository
                        + "/blobs/uploads/")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldChallengeWithTheBearerRealmAndIssueTokensForWhatEachCallerMayDo() throws Exception {
        HttpResponse<String> base = get("/v2/", null);
        assertThat(base.statusCode()).isEqualTo(401);
        assertThat(base.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
                .startsWith("Bearer realm=\"http://127.0.0.1:" + port + "/token\"").contains("service=\"wharf\""));
        assertThat(base.body()).contains("\"code\":\"UNAUTHORIZED\"");

        String alice = token("repository:tokens/app:pull,push", basic("alice", "secret"));
        HttpResponse<String> pushed = startUpload("tokens/app", alice);
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(202);
        assertThat(get("/v2/", "Bearer " + alice).statusCode()).isEqualTo(200);

        String anonymous = token("repository:tokens/app:pull,push", null);
        HttpResponse<String> refused = startUpload("tokens/app", anonymous);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
                .contains("scope=\"repository:tokens/app:pull,push\"", "error=\"insufficient_scope\""));
        assertThat(get("/v2/tokens/app/tags/list", "Bearer " + anonymous).statusCode())
                .as("anonymous pull of every repository").isIn(200, 404);

        HttpResponse<String> wrong = get("/token?service=wharf&scope=repository:tokens/app:pull",
                basic("alice", "wrong"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(get("/v2/", "Bearer not-a-token").statusCode()).isEqualTo(401);
        assertThat(get("/hello", null).statusCode()).isEqualTo(200);
    }
}
