package dev.wharf.spi;

/**
 * The one failure a store reports: the storage itself failed (a disk error, a lost connection, a corrupt
 * record), not the caller. The engine never turns it into a client error; the HTTP layer answers 500.
 *
 * <p>Absence is never a failure: stores answer {@link java.util.Optional#empty()} or {@code false} for
 * something that is not there.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause} (may be null). */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failure described by {@code message}. */
    public StorageException(String message) {
        super(message);
    }
}
