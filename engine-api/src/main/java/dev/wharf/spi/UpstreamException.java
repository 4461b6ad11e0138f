package dev.wharf.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * An upstream registry could not answer a mirror's request: it was unreachable or too slow
 * ({@link #status()} {@value #UNREACHABLE}), or it answered with an error status other than "not found"
 * (401, 403, 429, 5xx), or with something that is not what was asked for.
 */
public final class UpstreamException extends RuntimeException {
    /** The status of a request that got no HTTP answer (connection refused, timed out, broken off). */
    public static final int UNREACHABLE = 0;

    private final int status;
    private final Optional<Duration> retryAfter;

    public UpstreamException(int status, String message, Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public UpstreamException(int status, String message) {
        this(status, message, Optional.empty(), null);
    }

    /** The upstream's HTTP status, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    /** The upstream's {@code Retry-After}, when it rate-limited the request. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** True for failures that say nothing about the content: unreachable, rate-limited, or a server error. */
    public boolean isOutage() {
        return status == UNREACHABLE || status == 429 || status >= 500;
    }
}
