package dev.wharf.servlet.auth;

import dev.wharf.api.Caller;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.util.List;
import java.util.Optional;

/**
 * Turns a request into a caller, or into a challenge: the registry's door. The
 * {@link dev.wharf.servlet.RegistryServlet} asks it once per request, before any handler runs, then:
 * <ul>
 *   <li>{@link Authentication.Throttled}: {@code 429 TOOMANYREQUESTS} with {@code Retry-After};</li>
 *   <li>{@link Authentication.Rejected}: {@code 401 UNAUTHORIZED} with {@link #challenge} (error
 *       {@code invalid_token});</li>
 *   <li>{@link Authentication.Anonymous}: when {@link #admitsAnonymous()} is false, {@code 401} with the
 *       challenge, for every endpoint including {@code GET /v2/}; otherwise the request runs anonymously and the
 *       registry's {@link dev.wharf.spi.Authorizer} decides (a refusal is then {@code 401} with the challenge);</li>
 *   <li>{@link Authentication.Authenticated}: when its {@link Grants} do not cover the scopes the endpoint needs,
 *       {@code 401} with the challenge naming them (error {@code insufficient_scope}), so the client asks its
 *       token service for them; otherwise the request runs as the caller, and the authorizer decides (a known
 *       caller it refuses gets {@code 403 DENIED}).</li>
 * </ul>
 * The scopes an endpoint needs: {@code repository:<name>:pull} to read (blobs, manifests, tags, referrers),
 * {@code repository:<name>:pull,push} to upload or push a manifest (plus
 * {@code repository:<from>:pull} for a mount with {@code from}), {@code repository:<name>:delete} to delete, and
 * {@code registry:catalog:*} for the catalog; {@code GET /v2/} and the discover documents ({@code
 * /v2/_oci/ext/discover}, {@code /v2/<name>/_oci/ext/discover}, the registry's configuration and the same for every
 * repository) need none.
 *
 * <p>Built in: {@link #container()} (whatever the servlet container authenticated, the default),
 * {@link BasicAuthenticator} (passwords, for example an {@link HtpasswdFile}) and {@link BearerAuthenticator}
 * (tokens of the registry token flow, which a {@link TokenServlet} can issue). Implementations must be
 * thread-safe, must not throw for bad credentials, and must never log credentials or tokens.
 */
public interface Authenticator {

    /** What the request's credentials prove. */
    Authentication authenticate(HttpServletRequest request);

    /**
     * The {@code WWW-Authenticate} value for a {@code 401} on {@code request}, which needs {@code scopes}.
     *
     * @param error the token flow's error ({@code invalid_token}, {@code insufficient_scope}), when there is one
     */
    String challenge(HttpServletRequest request, List<Scope> scopes, Optional<String> error);

    /**
     * Whether a request without credentials may reach the registry at all, to be judged by its authorizer.
     * False makes every anonymous request, {@code GET /v2/} included, a {@code 401} with the challenge, which is
     * how clients learn that they must log in.
     */
    boolean admitsAnonymous();

    /**
     * The servlet container's authentication: the caller is {@code request.getUserPrincipal()}, anonymous when
     * there is none; nothing is ever rejected at the door, and a {@code 401} says {@code Basic realm="wharf"}.
     * The default, for embedders whose container (or filter) already authenticates.
     */
    static Authenticator container() {
        return ContainerAuthenticator.INSTANCE;
    }

    /** See {@link Authenticator#container()}. */
    enum ContainerAuthenticator implements Authenticator {
        /** The only instance. */
        INSTANCE;

        @Override
        public Authentication authenticate(HttpServletRequest request) {
            Principal principal = request.getUserPrincipal();
            return principal == null ? Authentication.anonymous()
                    : Authentication.authenticated(Caller.of(principal), Grants.unlimited());
        }

        @Override
        public String challenge(HttpServletRequest request, List<Scope> scopes, Optional<String> error) {
            return "Basic realm=\"wharf\"";
        }

        @Override
        public boolean admitsAnonymous() {
            return true;
        }
    }
}
