package dev.wharf.core.mirror;

import dev.wharf.spi.UpstreamException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of the upstream client that read what an upstream says: challenges and token responses. */
class HttpUpstreamClientTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldReadABearerChallengeWithQuotedAndEscapedParameters() {
        HttpUpstreamClient.Challenge c = HttpUpstreamClient.Challenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                        + "scope=\"repository:library/alpine:pull\", error=\"a \\\"quoted\\\" word\"").orElseThrow();
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.params()).containsEntry("realm", "https://auth.docker.io/token")
                .containsEntry("service", "registry.docker.io")
                .containsEntry("scope", "repository:library/alpine:pull")
                .containsEntry("error", "a \"quoted\" word");
    }

    @Test
    void shouldReadBasicAndUnquotedChallengesAndRefuseBrokenOnes() {
        assertThat(HttpUpstreamClient.Challenge.parse("Basic realm=wharf").orElseThrow())
                .isEqualTo(new HttpUpstreamClient.Challenge("basic", Map.of("realm", "wharf")));
        assertThat(HttpUpstreamClient.Challenge.parse("Basic").orElseThrow().params()).isEmpty();
        assertThat(HttpUpstreamClient.Challenge.parse("Bearer realm=\"unterminated")).isEmpty();
        assertThat(HttpUpstreamClient.Challenge.parse("   ")).isEmpty();
    }

    @Test
    void shouldTakeTheTokenAndItsLifetimeFromATokenResponse() {
        HttpUpstreamClient.Token t = token("{\"token\":\"abc.def\",\"expires_in\":300,\"issued_at\":\"x\"}");
        assertThat(t.value()).isEqualTo("abc.def");
        assertThat(t.expires()).isEqualTo(NOW.plusSeconds(300));
        assertThat(t.usableAt(NOW.plusSeconds(290))).isTrue();
        assertThat(t.usableAt(NOW.plusSeconds(296))).as("not in its last seconds").isFalse();

        HttpUpstreamClient.Token oauth = token("{\"access_token\":\"xyz\",\"extra\":{\"nested\":[1,2]}}");
        assertThat(oauth.value()).isEqualTo("xyz");
        assertThat(oauth.expires()).as("60 s when the service does not say").isEqualTo(NOW.plus(Duration.ofSeconds(60)));
    }

    @Test
    void shouldRefuseTokenResponsesWithoutAUsableToken() {
        for (String body : new String[] {"[]", "{\"token\":\"\"}", "{\"token\":\"a b\"}", "{\"token\":7}", "{",
                "not json"}) {
            assertThatThrownBy(() -> token(body)).as(body).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("up.example");
        }
    }

    private static HttpUpstreamClient.Token token(String json) {
        return HttpUpstreamClient.Token.parse(json.getBytes(StandardCharsets.UTF_8), NOW, "up.example");
    }
}
