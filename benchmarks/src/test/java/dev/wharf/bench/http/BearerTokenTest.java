package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BearerTokenTest {

    private static BearerToken parse(String json) {
        return BearerToken.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadTokenAndLifetimeWhenTheTokenServiceAnswers() {
        BearerToken token = parse("""
                {"token":"eyJ.a.b","access_token":"eyJ.a.b","expires_in":300,"issued_at":"2026-12-01T10:00:00Z"}""");
        assertThat(token).isEqualTo(new BearerToken("eyJ.a.b", 300));
        assertThat(token.authorization()).isEqualTo("Bearer eyJ.a.b");
    }

    @Test
    void shouldReadAccessTokenWhenTokenIsMissing() {
        assertThat(parse("{\"access_token\":\"x.y.z\",\"expires_in\":60}").value()).isEqualTo("x.y.z");
    }

    @Test
    void shouldAssumeSixtySecondsWhenExpiresInIsMissing() {
        assertThat(parse("{\"token\":\"x.y.z\"}").expiresInSeconds()).isEqualTo(60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "{}", "{\"token\":\"\"}", "{\"token\":7}", "{\"token\":null}",
            "{\"token\":\"t\",\"expires_in\":0}", "{\"token\":\"t\",\"expires_in\":\"soon\"}"})
    void shouldFailWhenTheAnswerHoldsNoUsableToken(String json) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldEncodeBasicCredentialsAsRfc7617Says() {
        assertThat(RegistryClient.basic("Aladdin", "open sesame")).isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }
}
