package dev.wharf.testing;

import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A test registry that makes clients log in, in one line: Basic, the token flow, anonymous pulls. */
class TestRegistryLoginTest {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final byte[] BLOB = "a layer".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static WharfRegistryExtension secured = WharfRegistryExtension.builder().basicAuth("ci", "ci-secret").build();

    private static Response push(RegistryHttp http, String repo, String... headers) {
        return http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Http.sha256Digest(BLOB), BLOB, headers);
    }

    @Test
    void shouldRequireBasicCredentialsWhenBasicAuthIsOn() {
        try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").basicAuth("bob", "pw")
                .start()) {
            RegistryHttp http = new RegistryHttp(registry.baseUri());
            Response anonymous = http.get("/v2/");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).hasValue("Basic realm=\"wharf\"");
            assertThat(http.get("/v2/", "Authorization", Http.basic("alice", "wrong")).status()).isEqualTo(401);
            assertThat(http.get("/v2/", "Authorization", Http.basic("alice", "s3cret")).status()).isEqualTo(200);
            assertThat(push(http, "team/app", "Authorization", Http.basic("bob", "pw")).status()).isEqualTo(201);
            assertThat(push(http, "team/app").status()).isEqualTo(401);
        }
    }

    @Test
    void shouldSpeakTheTokenFlowWithItsOwnTokenService() {
        try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").start()) {
            RegistryHttp http = new RegistryHttp(registry.baseUri());
            Response challenge = push(http, "team/app");
            assertThat(challenge.status()).isEqualTo(401);
            String header = challenge.header("WWW-Authenticate").orElseThrow();
            assertThat(header).isEqualTo("Bearer realm=\"" + registry.baseUri() + "/token\",service=\"wharf-registry\","
                    + "scope=\"repository:team/app:pull,push\"");
            Matcher m = PARAM.matcher(header);
            java.util.Map<String, String> params = new java.util.HashMap<>();
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            String tokenUrl = params.get("realm") + "?service=" + params.get("service") + "&scope="
                    + URLEncoder.encode(params.get("scope"), StandardCharsets.UTF_8);
            assertThat(http.get(tokenUrl, "Authorization", Http.basic("alice", "nope")).status()).isEqualTo(401);
            Response anonymousToken = http.get(tokenUrl);
            assertThat(anonymousToken.status()).as("no anonymous tokens without anonymous access").isEqualTo(401);
            assertThat(anonymousToken.header("WWW-Authenticate")).hasValue("Basic realm=\"wharf-registry\"");
            String token = http.get(tokenUrl, "Authorization", Http.basic("alice", "s3cret")).json().path("token").asText();
            assertThat(push(http, "team/app", "Authorization", "Bearer " + token).status()).isEqualTo(201);
            // Basic credentials are not what this registry takes.
            assertThat(push(http, "team/app", "Authorization", Http.basic("alice", "s3cret")).status()).isEqualTo(401);
        }
    }

    @Test
    void shouldLetAnonymousCallersPullOnlyWhatAnonymousPullNames() {
        try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").anonymousPull("public/**")
                .start()) {
            RegistryHttp http = new RegistryHttp(registry.baseUri());
            String alice = Http.basic("alice", "s3cret");
            assertThat(push(http, "public/base", "Authorization", alice).status()).isEqualTo(201);
            assertThat(push(http, "private/app", "Authorization", alice).status()).isEqualTo(201);
            assertThat(http.get("/v2/").status()).isEqualTo(200);
            String blob = "/blobs/" + Http.sha256Digest(BLOB);
            assertThat(http.get("/v2/public/base" + blob).status()).isEqualTo(200);
            assertThat(http.get("/v2/private/app" + blob).status()).isEqualTo(401);
            assertThat(push(http, "public/base").status()).isEqualTo(401);
            assertThat(http.get("/v2/_catalog").json().path("repositories").toString()).isEqualTo("[\"public/base\"]");
        }
    }

    @Test
    void shouldGiveAnonymousTokensOnlyForWhatAnonymousPullNames() {
        try (TestRegistry registry = TestRegistry.builder().tokenAuth("alice", "s3cret").anonymousPull("public/**")
                .start()) {
            RegistryHttp http = new RegistryHttp(registry.baseUri());
            String token = http.get("/token?service=wharf-registry&scope=repository:public/base:pull,push"
                    + "&scope=repository:private/app:pull").json().path("token").asText();
            String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
            assertThat(claims).contains("\"sub\":\"\"").contains("{\"type\":\"repository\",\"name\":\"public/base\","
                    + "\"actions\":[\"pull\"]}").doesNotContain("private/app").doesNotContain("push");
            assertThat(http.get("/v2/public/base/tags/list", "Authorization", "Bearer " + token).status())
                    .as("a repository nobody pushed to yet").isEqualTo(404);
            assertThat(http.get("/v2/private/app/tags/list", "Authorization", "Bearer " + token).status()).isEqualTo(401);
        }
    }

    @Test
    void shouldRequireLoginOnTheExtensionsRegistry() {
        RegistryHttp http = new RegistryHttp(secured.baseUri());
        assertThat(http.get("/v2/").status()).isEqualTo(401);
        assertThat(http.get("/v2/", "Authorization", Http.basic("ci", "ci-secret")).status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseUserNamesClientsCannotSend() {
        assertThatThrownBy(() -> TestRegistry.builder().basicAuth("a:b", "pw")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestRegistry.builder().basicAuth("", "pw")).isInstanceOf(IllegalArgumentException.class);
    }
}
