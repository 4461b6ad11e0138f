package dev.wharf.servlet.limit;

import dev.wharf.api.Caller;

import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One request as a {@link RateLimiter} sees it, once the caller is known.
 *
 * @param caller        who the request runs as, as the servlet's authenticator admitted it
 * @param remoteAddress the client's address as the servlet container reports it ({@code getRemoteAddr()}): behind a
 *                      reverse proxy, the proxy's unless the container is told to take the forwarded one
 * @param kind          a read ({@code GET}, {@code HEAD}) or a write ({@code POST}, {@code PUT}, {@code PATCH},
 *                      {@code DELETE})
 * @param bodyLength    the bytes of the body the request declares with {@code Content-Length} (0 for a read or a
 *                      write without a body); empty for a body sent without a length (chunked), whose bytes the
 *                      servlet reports to {@link RateLimiter#charge} as they arrive
 */
public record RateRequest(Caller caller, String remoteAddress, Kind kind, OptionalLong bodyLength) {
    /** A body of no bytes: every read's, and a write's without a body. */
    public static final OptionalLong NO_BODY = OptionalLong.of(0);

    /** What a request does, as far as its budget goes. */
    public enum Kind {
        /** {@code GET} and {@code HEAD}: spends {@link Budget#READS}. */
        READ,
        /** {@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}: spends {@link Budget#WRITES}, and its body's bytes
         * {@link Budget#UPLOAD_BYTES}. */
        WRITE
    }

    /** Checks the parts: all are required, and a declared length is not negative. */
    public RateRequest {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bodyLength, "bodyLength");
        if (bodyLength.isPresent() && bodyLength.getAsLong() < 0) {
            throw new IllegalArgumentException("a body length cannot be negative, was " + bodyLength.getAsLong());
        }
    }

    /**
     * The authenticated user's name, or, for an anonymous caller, empty: the built-in limiter keys a client by
     * this name, else by {@link #remoteAddress()}.
     */
    public Optional<String> user() {
        return caller.principal().map(Principal::getName);
    }
}
