package dev.wharf.spi;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes being written for one upload session, invisible to readers until {@link #commit(Digest)}.
 * Two-phase: every staged write ends in exactly one {@code commit} or {@link #discard()}.
 *
 * <p>Instances are used by one thread at a time (the engine serialises calls per upload session).
 */
public interface StagedBlob {

    /** Identifier to {@link BlobStore#resume(String)} this write with; opaque, filesystem-safe. */
    String id();

    /** Bytes staged so far. */
    long size() throws IOException;

    /**
     * Appends everything {@code in} yields until end of stream and makes it durable before returning (an
     * acknowledged chunk survives a crash), together with the staged write itself if it was not yet durable.
     *
     * @return the number of bytes appended
     * @throws IOException if reading {@code in} or writing fails; the staged size may then be anywhere
     *                     between its old and new value, and the engine calls {@link #truncate(long)}
     */
    default long append(InputStream in) throws IOException {
        return append(in, true);
    }

    /**
     * Appends everything {@code in} yields; durable on return only if {@code durable} (the engine passes
     * false for the last bytes before {@link #commit(Digest)}, which makes everything durable anyway).
     */
    long append(InputStream in, boolean durable) throws IOException;

    /** Cuts the staged bytes back to {@code size} (rolling back a failed chunk). */
    void truncate(long size) throws IOException;

    /** Reads the staged bytes from the start (to re-hash them). */
    InputStream read() throws IOException;

    /**
     * Durably publishes the staged bytes under {@code digest}, which the engine has verified. If a blob
     * with this digest already exists, the staged copy is discarded instead. After this call the staged
     * write is gone.
     */
    BlobInfo commit(Digest digest) throws IOException;

    /** Drops the staged bytes. Idempotent. */
    void discard() throws IOException;
}
