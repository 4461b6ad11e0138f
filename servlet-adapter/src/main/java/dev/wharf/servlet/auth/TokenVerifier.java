package dev.wharf.servlet.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the JSON Web Tokens of the registry token flow: signed with RS256 or ES256 by one of the
 * {@link TokenKeys} (no other algorithm, never {@code none} and never a shared secret); issued by the expected
 * {@code iss}; for this registry's service in {@code aud}; with {@code exp} in the future and {@code nbf} (when
 * present) in the past, within a small clock skew. Its {@code access} claim becomes the token's {@link Grants}:
 * a list of {@code {"type": "repository", "name": "team/app", "actions": ["pull", "push"]}}; its {@code sub} the
 * caller (empty for an anonymous token). Thread-safe.
 */
public final class TokenVerifier {
    /** The clock skew allowed on {@code exp} and {@code nbf} unless configured. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final String issuer;
    private final String audience;

    /**
     * A verifier of tokens issued by {@code issuer} for {@code audience} (the {@code service} of the challenge),
     * signed by one of {@code keys}.
     */
    public TokenVerifier(TokenKeys keys, String issuer, String audience) {
        this(keys, issuer, audience, DEFAULT_CLOCK_SKEW);
    }

    /** The same, allowing {@code clockSkew} (at most ten minutes) on {@code exp} and {@code nbf}. */
    public TokenVerifier(TokenKeys keys, String issuer, String audience, Duration clockSkew) {
        Objects.requireNonNull(keys, "keys");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audience = Objects.requireNonNull(audience, "audience");
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("clock skew must be 0 to 10 minutes, was " + clockSkew);
        }
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector((JWSHeader header, SecurityContext context) -> {
            JWSAlgorithm alg = header.getAlgorithm();
            if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
                return List.of(); // "no matching key": every other algorithm is refused
            }
            return keys.select(JWSAlgorithm.RS256.equals(alg), Optional.ofNullable(header.getKeyID()));
        });
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of(JWTClaimNames.EXPIRATION_TIME), null);
        claims.setMaxClockSkew((int) clockSkew.toSeconds());
        jwt.setJWTClaimsSetVerifier(claims);
        this.processor = jwt;
    }

    /**
     * The verified token.
     *
     * @throws InvalidTokenException saying why the token is refused (for logs and the client; never the token)
     */
    public VerifiedToken verify(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidTokenException("the token is not a JSON Web Token");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidTokenException(e.getMessage());
        }
        String subject = Optional.ofNullable(claims.getSubject()).orElse("");
        return new VerifiedToken(subject, Grants.of(access(claims)), claims.getExpirationTime().toInstant());
    }

    /** The issuer tokens must name. */
    public String issuer() {
        return issuer;
    }

    /** The audience tokens must name: the registry's service. */
    public String audience() {
        return audience;
    }

    private static List<Scope> access(JWTClaimsSet claims) {
        Object access = claims.getClaim("access");
        if (access == null) {
            return List.of();
        }
        if (!(access instanceof List<?> entries)) {
            throw new InvalidTokenException("the token's access claim is not a list");
        }
        List<Scope> scopes = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !(map.get("type") instanceof String type)
                    || !(map.get("name") instanceof String name)) {
                throw new InvalidTokenException("the token's access claim has an entry without type and name");
            }
            Object actions = map.get("actions");
            List<String> names = new ArrayList<>();
            if (actions instanceof Collection<?> list) {
                for (Object action : list) {
                    if (!(action instanceof String text)) {
                        throw new InvalidTokenException("the token's access claim has an action that is not text");
                    }
                    names.add(text);
                }
            } else if (actions != null) {
                throw new InvalidTokenException("the token's access claim has actions that are not a list");
            }
            try {
                scopes.add(new Scope(type, name, new java.util.LinkedHashSet<>(names)));
            } catch (IllegalArgumentException e) {
                throw new InvalidTokenException("the token's access claim has a bad entry: " + e.getMessage());
            }
        }
        return scopes;
    }

    /**
     * A token that passed.
     *
     * @param subject the {@code sub} claim: the user, empty for an anonymous token
     * @param grants  the {@code access} claim
     * @param expires the {@code exp} claim
     */
    public record VerifiedToken(String subject, Grants grants, Instant expires) {
        /** All parts are required. */
        public VerifiedToken {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(grants, "grants");
            Objects.requireNonNull(expires, "expires");
        }
    }

    /** A token refused by {@link #verify}; the message says why and never holds the token. */
    public static final class InvalidTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A refusal for {@code reason}. */
        public InvalidTokenException(String reason) {
            super(reason);
        }
    }
}
