package dev.wharf.servlet.auth;

import dev.wharf.api.Caller;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP Basic authentication (RFC 7617) against a {@link PasswordVerifier}, such as an {@link HtpasswdFile}. A
 * password limits nothing at the door ({@link Grants#unlimited()}): the registry's authorizer decides what the
 * user may do. Empty credentials ({@code Basic Og==}, which clients send after a challenge when they have none)
 * count as none.
 *
 * <pre>{@code
 * Authenticator basic = BasicAuthenticator.builder(HtpasswdFile.read(Path.of("users.htpasswd")))
 *         .admitAnonymous(true)          // anonymous callers reach the authorizer (for anonymous pulls)
 *         .build();
 * }</pre>
 *
 * <p>Failed logins count against a {@link LoginThrottle} (429 beyond it). A password that passed is remembered
 * for a minute, as a salted hash, so clients that send it with every request do not pay a bcrypt check each time
 * ({@link Builder#verifiedCredentialsLifetime}). Thread-safe.
 */
public final class BasicAuthenticator implements Authenticator {
    private final PasswordVerifier verifier;
    private final String challenge;
    private final boolean admitsAnonymous;
    private final LoginThrottle throttle;
    private final CredentialCache verified;

    private BasicAuthenticator(Builder builder) {
        this.verifier = builder.verifier;
        this.challenge = "Basic realm=\"" + Challenges.quote(builder.realm) + "\"";
        this.admitsAnonymous = builder.admitAnonymous;
        this.throttle = builder.throttle;
        this.verified = new CredentialCache(builder.verifiedLifetime.toNanos(), System::nanoTime);
    }

    /** A builder over {@code verifier}: realm {@code wharf}, no anonymous access, the default throttle. */
    public static Builder builder(PasswordVerifier verifier) {
        return new Builder(verifier);
    }

    @Override
    public Authentication authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return Authentication.anonymous();
        }
        if (!BasicCredentials.isBasic(header)) {
            return Authentication.rejected("this registry takes Basic credentials");
        }
        Optional<BasicCredentials> parsed = BasicCredentials.parse(header);
        if (parsed.isEmpty()) {
            return Authentication.rejected("malformed Basic credentials");
        }
        BasicCredentials credentials = parsed.get();
        try {
            if (credentials.isEmpty()) {
                return Authentication.anonymous();
            }
            return check(credentials, request.getRemoteAddr());
        } finally {
            credentials.clear();
        }
    }

    /** Verifies {@code credentials} from {@code address} through the throttle; shared with the token service. */
    Authentication check(BasicCredentials credentials, String address) {
        return check(verifier, throttle, verified, credentials, address);
    }

    static Authentication check(PasswordVerifier verifier, LoginThrottle throttle, CredentialCache verified,
                                BasicCredentials credentials, String address) {
        String user = credentials.user();
        Optional<Duration> wait = throttle.check(user, address);
        if (wait.isPresent()) {
            return Authentication.throttled(wait.get()); // a lock holds even for the right password
        }
        String key = verified.key(user, credentials.password());
        if (verified.contains(key)) {
            return Authentication.authenticated(Caller.of(new UserPrincipal(user)), Grants.unlimited());
        }
        // The attempt counts before the slow check, so parallel guesses all count; a success takes it back. Only
        // the request that runs the check counts: requests with the same credentials that arrive meanwhile share
        // its answer, so a busy client's parallel requests count once when its remembered login expires (they
        // would otherwise lock it out), while each different guess still runs, and counts, on its own.
        boolean ok;
        try {
            ok = verified.verifyOnce(key, () -> {
                Optional<Duration> refused = throttle.attempt(user, address);
                if (refused.isPresent()) {
                    throw new ThrottledCheck(refused.get());
                }
                return verifier.verify(user, credentials.password());
            });
        } catch (ThrottledCheck throttled) {
            return Authentication.throttled(throttled.wait);
        }
        if (!ok) {
            return Authentication.rejected("incorrect username or password");
        }
        throttle.succeeded(user, address);
        return Authentication.authenticated(Caller.of(new UserPrincipal(user)), Grants.unlimited());
    }

    /** A check the throttle refused before it ran; those waiting on the same check are refused alike. */
    private static final class ThrottledCheck extends RuntimeException {
        private final transient Duration wait;

        ThrottledCheck(Duration wait) {
            super("throttled", null, false, false);
            this.wait = wait;
        }
    }

    @Override
    public String challenge(HttpServletRequest request, List<Scope> scopes, Optional<String> error) {
        return challenge;
    }

    @Override
    public boolean admitsAnonymous() {
        return admitsAnonymous;
    }

    /** A user name as a {@link Principal}, which the authorizer sees through {@link Caller#principal()}. */
    public record UserPrincipal(String name) implements Principal {
        /** The name is required. */
        public UserPrincipal {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String getName() {
            return name;
        }
    }

    /** Options of a {@link BasicAuthenticator}. Not thread-safe; build once. */
    public static final class Builder {
        private final PasswordVerifier verifier;
        private String realm = "wharf";
        private boolean admitAnonymous;
        private LoginThrottle throttle = new LoginThrottle();
        private Duration verifiedLifetime = Duration.ofMinutes(1);

        private Builder(PasswordVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
        }

        /** The realm the challenge names (default {@code wharf}); clients show it when they ask for a password. */
        public Builder realm(String realm) {
            this.realm = Objects.requireNonNull(realm, "realm");
            return this;
        }

        /**
         * Whether callers without credentials reach the registry's authorizer (default false: every anonymous
         * request, {@code GET /v2/} included, is answered 401 with the challenge). Turn it on when the authorizer
         * lets anonymous callers pull something.
         */
        public Builder admitAnonymous(boolean admit) {
            this.admitAnonymous = admit;
            return this;
        }

        /** Where failed logins are counted (default: a {@link LoginThrottle} with its defaults). */
        public Builder throttle(LoginThrottle throttle) {
            this.throttle = Objects.requireNonNull(throttle, "throttle");
            return this;
        }

        /** How long a password that passed is taken without a new check (default a minute; zero for never). */
        public Builder verifiedCredentialsLifetime(Duration lifetime) {
            if (lifetime.isNegative()) {
                throw new IllegalArgumentException("lifetime must not be negative, was " + lifetime);
            }
            this.verifiedLifetime = lifetime;
            return this;
        }

        /** The authenticator. */
        public BasicAuthenticator build() {
            return new BasicAuthenticator(this);
        }
    }
}
