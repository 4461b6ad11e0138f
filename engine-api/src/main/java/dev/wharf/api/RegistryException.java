package dev.wharf.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The one failure type of the registry: a spec {@link ErrorCode}, a human-readable message, optional
 * structured detail (serialised as JSON by the HTTP layer) and the HTTP status to answer with.
 *
 * <p>Thrown for every client-caused failure (malformed input, unknown content, refused access). Storage
 * failures surface as {@link java.io.UncheckedIOException} or other runtime exceptions and become 500s.
 */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Object detail;
    private final int httpStatus;

    private RegistryException(ErrorCode code, String message, Object detail, int httpStatus, Throwable cause) {
        super(message, cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.detail = detail;
        this.httpStatus = httpStatus;
    }

    /** A failure with the code's default status. */
    public RegistryException(ErrorCode code, String message) {
        this(code, message, null, code.httpStatus(), null);
    }

    /** A failure with the code's default status and structured detail (a map, list, string or number). */
    public RegistryException(ErrorCode code, String message, Object detail) {
        this(code, message, detail, code.httpStatus(), null);
    }

    /** A copy of this failure answered with another HTTP status (for example 416 or 413). */
    public RegistryException withStatus(int status) {
        return new RegistryException(code, getMessage(), detail, status, getCause());
    }

    /** A copy of this failure that records its cause. */
    public RegistryException withCause(Throwable cause) {
        return new RegistryException(code, getMessage(), detail, httpStatus, cause);
    }

    public ErrorCode code() {
        return code;
    }

    /** Structured detail for the error envelope's {@code detail} field, if any. */
    public Optional<Object> detail() {
        return Optional.ofNullable(detail);
    }

    public int httpStatus() {
        return httpStatus;
    }
}
