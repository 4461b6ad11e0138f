package dev.wharf.servlet.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Signs the tokens a {@link TokenServlet} hands out: JSON Web Tokens with {@code iss}, {@code sub} (the user, empty
 * for anonymous), {@code aud} (the registry's service), {@code nbf}, {@code exp} and the {@code access} claim,
 * signed ES256 (EC P-256) or RS256 with a {@code kid} of the key's RFC 7638 thumbprint's first 12 characters.
 * Nothing more: clients send the token with every request, and each byte of it costs the registry time to parse
 * (a 520-byte token cost as much as the rest of a manifest GET's headers; this form is about 340 bytes).
 * {@link #verifier()} is the {@link TokenVerifier} that trusts exactly this issuer, for the registry beside it.
 *
 * <p>{@link #generated} makes a fresh key: tokens then stop verifying when the process ends, which short-lived
 * tokens survive (clients fetch new ones). Thread-safe.
 */
public final class TokenIssuer {
    /** How long a token is valid unless configured: five minutes, as Docker Hub's. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final String keyId;
    private final PublicKey publicKey;
    private final String issuer;
    private final String service;
    private final Duration lifetime;
    private final Clock clock;

    private TokenIssuer(KeyPair keys, String issuer, String service, Duration lifetime, Clock clock) {
        this.issuer = requireText(issuer, "issuer");
        this.service = requireText(service, "service");
        if (lifetime.compareTo(Duration.ofSeconds(10)) < 0 || lifetime.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("token lifetime must be 10 seconds to a day, was " + lifetime);
        }
        this.lifetime = lifetime;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publicKey = keys.getPublic();
        try {
            if (keys.getPrivate() instanceof ECPrivateKey ec && keys.getPublic() instanceof ECPublicKey pub) {
                JWK jwk = new ECKey.Builder(Curve.forECParameterSpec(pub.getParams()), pub).build();
                if (!Curve.P_256.equals(((ECKey) jwk).getCurve())) {
                    throw new IllegalArgumentException("EC token keys must be P-256 (ES256), was "
                            + ((ECKey) jwk).getCurve());
                }
                this.signer = new ECDSASigner(ec);
                this.algorithm = JWSAlgorithm.ES256;
                this.keyId = shortId(jwk.computeThumbprint().toString());
            } else if (keys.getPrivate() instanceof RSAPrivateKey rsa && keys.getPublic() instanceof RSAPublicKey pub) {
                this.signer = new RSASSASigner(rsa);
                this.algorithm = JWSAlgorithm.RS256;
                this.keyId = shortId(new RSAKey.Builder(pub).build().computeThumbprint().toString());
            } else {
                throw new IllegalArgumentException("token keys must be an EC P-256 or RSA key pair, was "
                        + keys.getPrivate().getAlgorithm());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token signing key: " + e.getMessage(), e);
        }
    }

    /** An issuer with a freshly generated EC P-256 key. */
    public static TokenIssuer generated(String issuer, String service, Duration lifetime) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            return new TokenIssuer(key.toKeyPair(), issuer, service, lifetime, Clock.systemUTC());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key: " + e.getMessage(), e);
        }
    }

    /** An issuer signing with {@code keys} (EC P-256 for ES256, or RSA of at least 2048 bits for RS256). */
    public static TokenIssuer of(KeyPair keys, String issuer, String service, Duration lifetime) {
        return new TokenIssuer(keys, issuer, service, lifetime, Clock.systemUTC());
    }

    static TokenIssuer of(KeyPair keys, String issuer, String service, Duration lifetime, Clock clock) {
        return new TokenIssuer(keys, issuer, service, lifetime, clock);
    }

    /**
     * A signed token for {@code subject} (empty for anonymous) granting {@code access}.
     */
    public IssuedToken issue(String subject, List<Scope> access) {
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        List<Map<String, Object>> claim = new ArrayList<>();
        for (Scope scope : access) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", scope.type());
            entry.put("name", scope.name());
            entry.put("actions", List.copyOf(scope.actions()));
            claim.add(entry);
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(service)
                .notBeforeTime(Date.from(now)).expirationTime(Date.from(expires)).claim("access", claim).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(),
                claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return new IssuedToken(jwt.serialize(), now, lifetime);
    }

    /** The verifier that trusts exactly this issuer's tokens (its key, issuer and service). */
    public TokenVerifier verifier() {
        return new TokenVerifier(TokenKeys.of(List.of(publicKey)), issuer, service);
    }

    /** The public key, as a JWK set that other verifiers (other nodes, {@link TokenKeys#fromJwks}) can load. */
    public JWKSet publicJwks() {
        try {
            JWK jwk = publicKey instanceof ECPublicKey ec
                    ? new ECKey.Builder(Curve.P_256, ec).keyID(keyId).build()
                    : new RSAKey.Builder((RSAPublicKey) publicKey).keyID(keyId).build();
            return new JWKSet(jwk);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code iss} claim. */
    public String issuer() {
        return issuer;
    }

    /** The {@code aud} claim: the service the registry's challenge names. */
    public String service() {
        return service;
    }

    /** How long a token is valid. */
    public Duration lifetime() {
        return lifetime;
    }

    @Override
    public String toString() {
        return "TokenIssuer[" + issuer + " for " + service + ", " + algorithm + " " + keyId + "]";
    }

    /**
     * The first 12 characters of a key's thumbprint: enough to tell a few keys apart, and short, since every
     * request carries the token (a verifier that finds no key of that id tries each of its keys).
     */
    private static String shortId(String thumbprint) {
        return thumbprint.substring(0, 12);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    /**
     * A token and when it was made.
     *
     * @param token    the compact JWT
     * @param issuedAt when it was signed
     * @param lifetime how long it is valid
     */
    public record IssuedToken(String token, Instant issuedAt, Duration lifetime) {
    }
}
