package dev.wharf.spi;

import java.util.Objects;

/**
 * The one failure a store reports: the storage itself failed (a disk error, a full disk, a lost connection, a
 * corrupt record), not the caller. Its {@link #condition()} says what kind of failure it is, so the engine can
 * answer a condition the server can name (a full disk is {@code 507 STORAGE_FULL}) instead of a bare internal
 * error; any other failure becomes a 500.
 *
 * <p>Absence is never a failure: stores answer {@link java.util.Optional#empty()} or {@code false} for
 * something that is not there.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of storage failure this is. */
    public enum Condition {
        /** The storage has no room for the write (ENOSPC, a quota of the device, RocksDB's NoSpace). */
        FULL,
        /** Any other failure. */
        FAILED
    }

    private final Condition condition;

    /** A failure of the given kind, described by {@code message}, caused by {@code cause} (may be null). */
    public StorageException(Condition condition, String message, Throwable cause) {
        super(message, cause);
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    /** A failure described by {@code message}, caused by {@code cause} (may be null). */
    public StorageException(String message, Throwable cause) {
        this(Condition.FAILED, message, cause);
    }

    /** A failure described by {@code message}. */
    public StorageException(String message) {
        this(Condition.FAILED, message, null);
    }

    /** What kind of failure this is. */
    public Condition condition() {
        return condition;
    }

    /**
     * A failure of an I/O call, {@link Condition#FULL} when the operating system said the device has no space
     * left (Java reports ENOSPC only in the message: "No space left on device"), else {@link Condition#FAILED}.
     */
    public static StorageException ofIo(String message, java.io.IOException cause) {
        return new StorageException(isNoSpace(cause) ? Condition.FULL : Condition.FAILED, message, cause);
    }

    private static boolean isNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
