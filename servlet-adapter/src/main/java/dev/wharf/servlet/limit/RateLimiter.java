package dev.wharf.servlet.limit;

import java.util.Optional;

/**
 * Decides whether a client may make a request now: the registry's guard against one client starving the others.
 * The {@link dev.wharf.servlet.RegistryServlet} given one asks it once per routed request, after the
 * {@link dev.wharf.servlet.auth.Authenticator} has admitted the caller and before the handler runs (so before any
 * byte of the body is read):
 * <ul>
 *   <li>{@link #admit} answers empty: the request runs, and what it costs is spent;</li>
 *   <li>{@link #admit} answers a {@link RateRefusal}: the request is answered {@code 429 TOOMANYREQUESTS} with
 *       {@code Retry-After}, its handler never runs, and the limiter must not have spent anything for it.</li>
 * </ul>
 * Requests refused before that (a {@code 401} from the authenticator, an unknown path, a method not allowed) are
 * never shown to the limiter. A body sent without {@code Content-Length} has no cost known up front
 * ({@link RateRequest#bodyLength()} is empty); its bytes are reported to {@link #charge} as they arrive, and the
 * limiter must accept them: bytes already received cannot be refused, but they may leave the client's budget
 * overdrawn, which its next requests then wait for.
 *
 * <p>Without a limiter the servlet does nothing of this: no request is described, nothing is called.
 *
 * <p>Built in: {@link TokenBucketLimiter}. Implementations must be thread-safe and fast (they are called on every
 * request, from many threads at once), must not block, and must bound the memory they keep per client (a flood of
 * new addresses must not grow it without limit). {@link #charge} may be called from a container's I/O thread.
 */
public interface RateLimiter {

    /**
     * Spends what {@code request} costs, if the client's budgets hold it.
     *
     * @return empty when the request may run (it has been charged); else which budget is spent and how long until
     *         it would admit the request (nothing has been charged)
     */
    Optional<RateRefusal> admit(RateRequest request);

    /**
     * Charges {@code bytes} more of the body of {@code request}, which {@link #admit} admitted with an unknown body
     * length; called as they arrive, any number of times. Never refuses.
     */
    void charge(RateRequest request, long bytes);
}
