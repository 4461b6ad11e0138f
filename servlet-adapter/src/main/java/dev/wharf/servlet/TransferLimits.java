package dev.wharf.servlet;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how slowly a client may move a body, how many upload bodies may flow at once, and how many header
 * fields a request may carry: the limits
 * that keep a registry answering when many clients are slow, or one is malicious. Give them to
 * {@link RegistryServlet#RegistryServlet(dev.wharf.api.Registry, TransferLimits)}; the defaults suit a registry
 * shared by a team:
 *
 * <table>
 *   <caption>Limits and their defaults</caption>
 *   <tr><th>limit</th><th>default</th><th>what happens beyond it</th></tr>
 *   <tr><td>{@link #idleTimeout()}</td><td>60 s</td><td>a body that moves no byte for this long is cut</td></tr>
 *   <tr><td>{@link #minimumDataRate()} over {@link #rateWindow()}</td><td>1,024 bytes/s over 30 s</td>
 *       <td>a body slower than this on average over a window is cut</td></tr>
 *   <tr><td>{@link #maxUploads()}</td><td>1,024</td><td>a further upload body is refused: 429 with {@code Retry-After}</td></tr>
 *   <tr><td>{@link #maxUploadsPerCaller()}</td><td>512</td><td>the same, per authenticated user or, for anonymous
 *       clients, per remote address</td></tr>
 *   <tr><td>{@link #retryAfter()}</td><td>1 s</td><td>what a 429 asks the client to wait</td></tr>
 *   <tr><td>{@link #maxRequestHeaders()}</td><td>100</td><td>a request with more header fields is refused: 431</td></tr>
 * </table>
 *
 * <p>A request body that is cut is answered {@code 408 BLOB_UPLOAD_INVALID} and its connection closed; the upload
 * session keeps exactly the bytes it had acknowledged before that request, so the client can ask where it
 * stands ({@code GET} on the session) and resume. A response that is cut (a pull whose client stopped reading) is
 * ended by closing the connection: the client sees fewer bytes than {@code Content-Length} and can resume with
 * {@code Range}. Immutable; every {@code withX} returns new limits.
 */
public final class TransferLimits {
    private static final TransferLimits DEFAULTS = new TransferLimits(Duration.ofSeconds(60), 1024,
            Duration.ofSeconds(30), 1024, 512, Duration.ofSeconds(1), 100);

    private final Duration idleTimeout;
    private final long minimumDataRate;
    private final Duration rateWindow;
    private final int maxUploads;
    private final int maxUploadsPerCaller;
    private final Duration retryAfter;
    private final int maxRequestHeaders;

    private TransferLimits(Duration idleTimeout, long minimumDataRate, Duration rateWindow, int maxUploads,
                           int maxUploadsPerCaller, Duration retryAfter, int maxRequestHeaders) {
        this.idleTimeout = idleTimeout;
        this.minimumDataRate = minimumDataRate;
        this.rateWindow = rateWindow;
        this.maxUploads = maxUploads;
        this.maxUploadsPerCaller = maxUploadsPerCaller;
        this.retryAfter = retryAfter;
        this.maxRequestHeaders = maxRequestHeaders;
    }

    /** The defaults in the table above. */
    public static TransferLimits defaults() {
        return DEFAULTS;
    }

    /** A body (request or response) that moves no byte for this long is cut. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The slowest average rate, in bytes per second over a {@link #rateWindow()}, a body may keep; 0 for none. */
    public long minimumDataRate() {
        return minimumDataRate;
    }

    /** The period over which {@link #minimumDataRate()} is averaged; a body shorter than this is never too slow. */
    public Duration rateWindow() {
        return rateWindow;
    }

    /** How many upload bodies may be received at once in total. */
    public int maxUploads() {
        return maxUploads;
    }

    /** How many upload bodies one caller (a user, or an anonymous client's address) may send at once. */
    public int maxUploadsPerCaller() {
        return maxUploadsPerCaller;
    }

    /** The wait a {@code 429} asks for in {@code Retry-After} (whole seconds, at least 1). */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** @throws IllegalArgumentException unless {@code timeout} is positive */
    public TransferLimits withIdleTimeout(Duration timeout) {
        return new TransferLimits(positive(timeout, "idle timeout"), minimumDataRate, rateWindow, maxUploads,
                maxUploadsPerCaller, retryAfter, maxRequestHeaders);
    }

    /**
     * Bodies slower than {@code bytesPerSecond} on average over {@code window} are cut; 0 turns the check off.
     *
     * @throws IllegalArgumentException for a negative rate or a window that is not positive
     */
    public TransferLimits withMinimumDataRate(long bytesPerSecond, Duration window) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("minimum data rate must not be negative, was " + bytesPerSecond);
        }
        return new TransferLimits(idleTimeout, bytesPerSecond, positive(window, "rate window"), maxUploads,
                maxUploadsPerCaller, retryAfter, maxRequestHeaders);
    }

    /**
     * At most {@code total} upload bodies at once, and {@code perCaller} from one caller.
     *
     * @throws IllegalArgumentException unless both are positive and {@code perCaller <= total}
     */
    public TransferLimits withMaxUploads(int total, int perCaller) {
        if (total < 1 || perCaller < 1 || perCaller > total) {
            throw new IllegalArgumentException("upload caps must be positive with per caller <= total, were "
                    + total + " and " + perCaller);
        }
        return new TransferLimits(idleTimeout, minimumDataRate, rateWindow, total, perCaller, retryAfter,
                maxRequestHeaders);
    }

    /** @throws IllegalArgumentException unless {@code wait} is at least one second */
    public TransferLimits withRetryAfter(Duration wait) {
        Objects.requireNonNull(wait, "retry after");
        if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("Retry-After is given in whole seconds; must be at least 1 s, was " + wait);
        }
        return new TransferLimits(idleTimeout, minimumDataRate, rateWindow, maxUploads, maxUploadsPerCaller, wait,
                maxRequestHeaders);
    }

    /** The most header fields (counting each repeated field) a request may carry. */
    public int maxRequestHeaders() {
        return maxRequestHeaders;
    }

    /** @throws IllegalArgumentException unless {@code max} is at least 10 (clients send a handful of their own) */
    public TransferLimits withMaxRequestHeaders(int max) {
        if (max < 10) {
            throw new IllegalArgumentException("a request must be allowed at least 10 header fields, was " + max);
        }
        return new TransferLimits(idleTimeout, minimumDataRate, rateWindow, maxUploads, maxUploadsPerCaller,
                retryAfter, max);
    }

    private static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "TransferLimits[idleTimeout=" + idleTimeout + ", minimumDataRate=" + minimumDataRate + " B/s over "
                + rateWindow + ", maxUploads=" + maxUploads + ", maxUploadsPerCaller=" + maxUploadsPerCaller
                + ", retryAfter=" + retryAfter + ", maxRequestHeaders=" + maxRequestHeaders + "]";
    }
}
