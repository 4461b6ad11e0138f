package dev.wharf.servlet.auth;

import dev.wharf.api.Caller;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens of the registry token flow (what docker, podman, skopeo, containerd, Jib, ORAS and crane speak):
 * a request without a token is answered {@code 401} with
 * {@code WWW-Authenticate: Bearer realm="<token service>",service="<service>",scope="repository:<name>:pull,push"}
 * naming exactly the scopes the request needs; the client gets a token for them from the realm and repeats the
 * request with {@code Authorization: Bearer <token>}. Tokens are checked by a {@link TokenVerifier}; their
 * {@code access} claim limits what the request may ask for ({@link Grants}), their {@code sub} is the caller the
 * registry's authorizer then judges.
 *
 * <pre>{@code
 * Authenticator bearer = BearerAuthenticator.builder(new TokenVerifier(TokenKeys.fromJwks(jwks), "auth.example",
 *         "registry.example")).realm("https://auth.example/token").build();
 * }</pre>
 *
 * <p>Every anonymous request is challenged (clients fetch an anonymous token from the realm when they have no
 * credentials). Tokens are taken from the {@code Authorization} header only, never from the query string. A token
 * that passed is remembered until it expires (at most {@value #CACHE_SIZE} of them), so a client reusing one pays
 * the signature check once. Thread-safe.
 */
public final class BearerAuthenticator implements Authenticator {
    private static final int CACHE_SIZE = 10_000;
    private static final String SCHEME = "bearer ";

    private final TokenVerifier verifier;
    private final Optional<String> realm;
    private final String realmPath;
    private final Clock clock;
    private final Map<String, TokenVerifier.VerifiedToken> verified = new ConcurrentHashMap<>();

    private BearerAuthenticator(Builder builder) {
        this.verifier = builder.verifier;
        this.realm = builder.realm;
        this.realmPath = builder.realmPath;
        this.clock = builder.clock;
    }

    /** A builder over {@code verifier}; the service the challenge names is the verifier's audience. */
    public static Builder builder(TokenVerifier verifier) {
        return new Builder(verifier);
    }

    @Override
    public Authentication authenticate(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return Authentication.anonymous();
        }
        if (BasicCredentials.isBasic(header)) {
            Optional<BasicCredentials> basic = BasicCredentials.parse(header);
            basic.ifPresent(BasicCredentials::clear);
            if (basic.isPresent() && basic.get().isEmpty()) {
                return Authentication.anonymous();
            }
            return Authentication.rejected("this registry takes bearer tokens; get one from its token service");
        }
        if (header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Authentication.rejected("unsupported authorization scheme");
        }
        // Remembered by the whole header: a container that reuses the header's string for a connection's repeated
        // requests (Jetty does) makes the lookup one comparison of references, without copying or hashing the token.
        TokenVerifier.VerifiedToken checked = verified.get(header);
        if (checked == null || !checked.expires().isAfter(clock.instant())) {
            try {
                checked = verifier.verify(header.substring(SCHEME.length()).strip());
            } catch (TokenVerifier.InvalidTokenException e) {
                verified.remove(header);
                return Authentication.rejected("invalid token: " + e.getMessage());
            }
            remember(header, checked);
        }
        Caller caller = checked.subject().isEmpty() ? Caller.anonymous()
                : Caller.of(new TokenPrincipal(checked.subject(), checked.grants()));
        return Authentication.authenticated(caller, checked.grants());
    }

    private void remember(String header, TokenVerifier.VerifiedToken checked) {
        if (verified.size() >= CACHE_SIZE) {
            Instant now = clock.instant();
            verified.values().removeIf(t -> !t.expires().isAfter(now));
            if (verified.size() >= CACHE_SIZE) {
                verified.clear();
            }
        }
        verified.put(header, checked);
    }

    @Override
    public String challenge(HttpServletRequest request, List<Scope> scopes, Optional<String> error) {
        return Challenges.bearer(realm.orElseGet(() -> realmOf(request)), verifier.audience(), scopes, error);
    }

    /** The token service on the host the client reached: {@code scheme://Host/<realm path>}. */
    private String realmOf(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || host.isBlank()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme() + "://" + host + realmPath;
    }

    /** Never: clients fetch an anonymous token when they have no credentials. */
    @Override
    public boolean admitsAnonymous() {
        return false;
    }

    /** Options of a {@link BearerAuthenticator}. Not thread-safe; build once. */
    public static final class Builder {
        private final TokenVerifier verifier;
        private Optional<String> realm = Optional.empty();
        private String realmPath = TokenServlet.DEFAULT_PATH;
        private Clock clock = Clock.systemUTC();

        private Builder(TokenVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
        }

        /** The token service's absolute URL, which the challenge names as its realm. */
        public Builder realm(String url) {
            java.net.URI uri = java.net.URI.create(url);
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException("the realm must be an absolute URL, was '" + url + "'");
            }
            this.realm = Optional.of(url);
            return this;
        }

        /**
         * Without a {@link #realm}, the realm is this path on the scheme and {@code Host} the client used (default
         * {@value TokenServlet#DEFAULT_PATH}): a {@link TokenServlet} in the same server.
         */
        public Builder realmPath(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("the realm path must start with /, was '" + path + "'");
            }
            this.realmPath = path;
            return this;
        }

        /** The clock that decides when a remembered token has expired (for tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The authenticator. */
        public BearerAuthenticator build() {
            return new BearerAuthenticator(this);
        }
    }
}
