package dev.wharf.spi;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Push-style writing to a {@link StagedBlob}: the engine hands over bytes as a client's body delivers them,
 * instead of giving the store a stream to read to its end. Opened by {@link StagedBlob#writer()}; used by one
 * thread at a time, possibly a different one per call.
 *
 * <p>Bytes written are appended to the staged write; {@link #finish(boolean)} ends the writing (durably if
 * asked, exactly as {@link StagedBlob#append(InputStream, boolean)} would). After a failure, or when the body
 * is abandoned, the engine calls {@link #close()} and then {@link StagedBlob#truncate(long)}.
 */
public interface StagedWriter extends AutoCloseable {

    /** Appends the bytes between {@code bytes}' position and limit, leaving it consumed. */
    void write(ByteBuffer bytes);

    /**
     * Ends the writing; with {@code durable}, everything written (and the staged write itself) survives a
     * crash once this returns. The writer is closed afterwards.
     */
    void finish(boolean durable);

    /** Releases what the writer holds without promising durability. Idempotent; harmless after finish. */
    @Override
    void close();
}
