package dev.wharf.servlet.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every token a registry must refuse is refused: expired, not yet valid, signed by another key, for another
 * audience or issuer, with a widened scope, unsigned ({@code alg: none}), signed with a shared secret; and the
 * tokens it must take are taken, from both signature algorithms and from each way of loading keys.
 */
class TokenVerifierTest {
    private static final String ISSUER = "wharf-token-service";
    private static final String SERVICE = "wharf-registry";
    private static ECKey ecKey;
    private static RSAKey rsaKey;
    private static ECKey otherKey;

    @BeforeAll
    static void keys() throws Exception {
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        otherKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    private static TokenVerifier verifier() {
        return new TokenVerifier(TokenKeys.fromJwks(new JWKSet(List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK()))),
                ISSUER, SERVICE);
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice").audience(SERVICE)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("access", List.of(Map.of("type", "repository", "name", "alice/app",
                        "actions", List.of("pull", "push"))));
    }

    private static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, UnaryOperator<JWTClaimsSet.Builder> edit)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), edit.apply(claims()).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String es256(UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
        return sign(new ECDSASigner(ecKey), JWSAlgorithm.ES256, "ec-1", edit);
    }

    @Test
    void shouldTakeAnEs256TokenAndItsAccessClaim() throws Exception {
        TokenVerifier.VerifiedToken token = verifier().verify(es256(c -> c));
        assertThat(token.subject()).isEqualTo("alice");
        assertThat(token.grants().scopes()).extracting(Scope::toString).containsExactly("repository:alice/app:pull,push");
        assertThat(token.grants().covers(Scope.parse("repository:alice/app:push"))).isTrue();
        assertThat(token.grants().covers(Scope.parse("repository:alice/other:pull"))).isFalse();
    }

    @Test
    void shouldTakeAnRs256TokenWhateverKeyIdItNames() throws Exception {
        String token = sign(new RSASSASigner(rsaKey), JWSAlgorithm.RS256, "a-libtrust-style-id", c -> c);
        assertThat(verifier().verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void shouldTakeAnAnonymousTokenWithoutSubject() throws Exception {
        TokenVerifier.VerifiedToken token = verifier().verify(es256(c -> c.subject(null)));
        assertThat(token.subject()).isEmpty();
    }

    @Test
    void shouldRefuseAnExpiredToken() throws Exception {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        assertRefused(es256(c -> c.issueTime(Date.from(past)).notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(5))))), "expired");
    }

    @Test
    void shouldTakeATokenWithinTheClockSkewAndRefuseOneBeyondIt() throws Exception {
        Instant now = Instant.now();
        assertThat(verifier().verify(es256(c -> c.expirationTime(Date.from(now.minusSeconds(10))))).subject())
                .isEqualTo("alice");
        assertRefused(es256(c -> c.expirationTime(Date.from(now.minusSeconds(120)))), "expired");
    }

    @Test
    void shouldRefuseATokenNotYetValid() throws Exception {
        Instant later = Instant.now().plus(Duration.ofMinutes(3));
        assertRefused(es256(c -> c.notBeforeTime(Date.from(later)).expirationTime(Date.from(later.plusSeconds(300)))),
                "before");
    }

    @Test
    void shouldRefuseATokenWithoutExpiry() throws Exception {
        assertRefused(es256(c -> c.expirationTime(null)), "exp");
    }

    @Test
    void shouldRefuseATokenSignedByAnotherKeyEvenUnderTheSameKeyId() throws Exception {
        assertRefused(sign(new ECDSASigner(otherKey), JWSAlgorithm.ES256, "ec-1", c -> c), "");
    }

    @Test
    void shouldRefuseATokenForAnotherAudienceOrIssuer() throws Exception {
        assertRefused(es256(c -> c.audience("another-registry")), "aud");
        assertRefused(es256(c -> c.audience((String) null)), "aud");
        assertRefused(es256(c -> c.issuer("someone-else")), "iss");
    }

    @Test
    void shouldRefuseATokenWhoseScopeWasWidenedAfterSigning() throws Exception {
        String token = es256(c -> c);
        String[] parts = token.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("alice/app", "bob/app");
        String widened = parts[0] + "." + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRefused(widened, "");
    }

    @Test
    void shouldRefuseAnUnsignedToken() {
        String none = new PlainJWT(claims().build()).serialize();
        assertRefused(none, "");
        // The same with a header that claims alg none but carries the old signature.
        String signedHeaderSwapped = Base64URL.encode("{\"alg\":\"none\"}") + "." + none.split("\\.")[1] + ".";
        assertRefused(signedHeaderSwapped, "");
    }

    @Test
    void shouldRefuseATokenSignedWithASharedSecret() throws Exception {
        // An attacker who knows the public key might try it as an HMAC secret (the classic key-confusion attack).
        byte[] secret = rsaKey.toPublicJWK().toJSONString().repeat(2).getBytes(StandardCharsets.UTF_8);
        assertRefused(sign(new MACSigner(secret), JWSAlgorithm.HS256, "rsa-1", c -> c), "");
    }

    @Test
    void shouldRefuseMalformedTokensAndAccessClaims() throws Exception {
        assertRefused("not-a-token", "not a JSON Web Token");
        assertRefused(es256(c -> c.claim("access", "everything")), "access claim");
        assertRefused(es256(c -> c.claim("access", List.of(Map.of("type", "repository")))), "access claim");
        assertRefused(es256(c -> c.claim("access", List.of(Map.of("type", "repository", "name", "a",
                "actions", List.of(1))))), "access claim");
    }

    @Test
    void shouldLoadKeysFromAPemCertificateBundle(@TempDir Path dir) throws Exception {
        TestCertificates service = TestCertificates.ecP256(dir);
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, service.certificatePem());
        TokenVerifier fromPem = new TokenVerifier(TokenKeys.fromPemCertificates(bundle), ISSUER, SERVICE);
        String token = sign(new ECDSASigner((java.security.interfaces.ECPrivateKey) service.keys().getPrivate()),
                JWSAlgorithm.ES256, null, c -> c);
        assertThat(fromPem.verify(token).subject()).isEqualTo("alice");
        assertThatThrownBy(() -> fromPem.verify(es256(c -> c))).isInstanceOf(TokenVerifier.InvalidTokenException.class);
        Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TokenKeys.fromPemCertificates(bundle)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bundle.toString());
    }

    @Test
    void shouldLoadKeysFromAJwksFileAndRefuseOneWithoutUsableKeys(@TempDir Path dir) throws Exception {
        Path jwks = dir.resolve("keys.json");
        Files.writeString(jwks, new JWKSet(ecKey.toPublicJWK()).toString());
        assertThat(new TokenVerifier(TokenKeys.fromJwks(jwks), ISSUER, SERVICE).verify(es256(c -> c)).subject())
                .isEqualTo("alice");
        Files.writeString(jwks, "{\"keys\":[]}");
        assertThatThrownBy(() -> TokenKeys.fromJwks(jwks)).hasMessageContaining("no RSA or EC P-256 key");
        Files.writeString(jwks, "{\"keys\":");
        assertThatThrownBy(() -> TokenKeys.fromJwks(jwks)).hasMessageContaining("not a JWK set");
    }

    @Test
    void shouldVerifyWhatATokenIssuerSignsAndNothingAfterItsLifetime() throws Exception {
        Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        TokenIssuer issuer = TokenIssuer.of(ecKey.toKeyPair(), ISSUER, SERVICE, Duration.ofMinutes(5), clock);
        String token = issuer.issue("bob", List.of(Scope.parse("repository:bob/app:pull"))).token();
        TokenVerifier.VerifiedToken verified = issuer.verifier().verify(token);
        assertThat(verified.subject()).isEqualTo("bob");
        assertThat(verified.grants().scopes()).extracting(Scope::toString).containsExactly("repository:bob/app:pull");
        TokenIssuer old = TokenIssuer.of(ecKey.toKeyPair(), ISSUER, SERVICE, Duration.ofMinutes(5),
                Clock.fixed(Instant.now().minus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        assertThatThrownBy(() -> issuer.verifier().verify(old.issue("bob", List.of()).token()))
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("expired"));
        assertThatThrownBy(() -> TokenIssuer.generated(ISSUER, SERVICE, Duration.ofMinutes(5)).verifier().verify(token))
                .isInstanceOf(TokenVerifier.InvalidTokenException.class);
    }

    private static void assertRefused(String token, String reason) {
        assertThatThrownBy(() -> verifier().verify(token)).isInstanceOf(TokenVerifier.InvalidTokenException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase(reason));
    }
}
