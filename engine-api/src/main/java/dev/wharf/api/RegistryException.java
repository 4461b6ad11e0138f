package dev.wharf.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The one failure type of the registry: an {@link ErrorCode} from the catalogue (which fixes the HTTP status
 * and the code on the wire), a human-readable message and optional structured detail (serialised as JSON
 * by the HTTP layer).
 *
 * <p>Thrown for every client-caused failure (malformed input, unknown content, refused access). Storage
 * failures surface as {@link dev.wharf.spi.StorageException}s or other runtime exceptions and become 500s.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Object detail;
    private final transient java.time.Duration retryAfter;

    private RegistryException(ErrorCode code, String message, Object detail, Throwable cause,
                              java.time.Duration retryAfter) {
        super(message, cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** A failure with a message. */
    public RegistryException(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }

    /** A failure with a message and structured detail (a map, list, string or number). */
    public RegistryException(ErrorCode code, String message, Object detail) {
        this(code, message, detail, null, null);
    }

    /** A copy of this failure that records its cause. */
    public RegistryException withCause(Throwable cause) {
        return new RegistryException(code, getMessage(), detail, cause, retryAfter);
    }

    /**
     * A copy of this failure that tells the client when to try again (the HTTP layer sends it as
     * {@code Retry-After}, in whole seconds, at least one).
     */
    public RegistryException withRetryAfter(java.time.Duration wait) {
        return new RegistryException(code, getMessage(), detail, getCause(), Objects.requireNonNull(wait, "wait"));
    }

    /** When the client may try again, if this failure says. */
    public Optional<java.time.Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public ErrorCode code() {
        return code;
    }

    /** Structured detail for the error envelope's {@code detail} field, if any. */
    public Optional<Object> detail() {
        return Optional.ofNullable(detail);
    }

    /** The HTTP status to answer with: the catalogue's, {@code code().httpStatus()}. */
    public int httpStatus() {
        return code.httpStatus();
    }
}
