package dev.wharf.spi;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Bytes being written for one upload session, invisible to readers until {@link #commit(Digest)}.
 * Two-phase: every staged write ends in exactly one {@code commit} or {@link #discard()}.
 *
 * <p>Instances are used by one thread at a time (the engine serialises calls per upload session). Storage
 * failures are {@link StorageException}s; once the write is gone (committed, or discarded here or by another
 * instance resumed from the same id), every method but {@code discard} throws one.
 */
public interface StagedBlob {

    /**
     * Identifier to {@link BlobStaging#resume(String)} this write with; opaque, unique among the store's staged
     * writes, and filesystem-safe: letters, digits, {@code .}, {@code _} and {@code -}, at most 255 characters,
     * never {@code .} or {@code ..}.
     */
    String id();

    /** Bytes staged so far. */
    long size();

    /**
     * Appends everything {@code in} yields until end of stream and makes it durable before returning (an
     * acknowledged chunk survives a crash), together with the staged write itself if it was not yet durable.
     */
    default long append(InputStream in) {
        return append(in, true);
    }

    /**
     * Appends everything {@code in} yields; durable on return only if {@code durable} (the engine passes
     * false for the last bytes before {@link #commit(Digest)}, which makes everything durable anyway).
     *
     * <p>A {@link RuntimeException} thrown while reading {@code in} must propagate unchanged: the engine's
     * stream throws one when the client's body breaks, and tells that 400 from a storage failure by it. After
     * any failure the staged size may be anywhere between its old and new value, and the engine calls
     * {@link #truncate(long)}.
     *
     * @return the number of bytes appended
     */
    long append(InputStream in, boolean durable);

    /**
     * A writer that appends pushed bytes ({@link StagedWriter}), for bodies that arrive piece by piece.
     * Only one writer or {@link #append} is active at a time. The default turns each write into an
     * {@link #append(InputStream, boolean) append}; a store that can keep its file or connection open
     * between pieces should override it.
     */
    default StagedWriter writer() {
        StagedBlob staged = this;
        return new StagedWriter() {
            @Override
            public void write(ByteBuffer bytes) {
                staged.append(new ByteBufferInputStream(bytes), false);
            }

            @Override
            public void finish(boolean durable) {
                if (durable) {
                    staged.append(InputStream.nullInputStream(), true);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /** Cuts the staged bytes back to {@code size} (rolling back a failed chunk). */
    void truncate(long size);

    /** Reads the staged bytes from the start (to re-hash them); the caller closes the stream. */
    InputStream read();

    /**
     * Durably publishes the staged bytes under {@code digest}, which the engine has verified. If a blob
     * with this digest already exists, the staged copy is discarded instead. After this call the staged
     * write is gone.
     */
    BlobInfo commit(Digest digest);

    /**
     * Drops the staged bytes. Idempotent, and harmless after {@link #commit(Digest)}: it never touches a
     * published blob.
     */
    void discard();
}
