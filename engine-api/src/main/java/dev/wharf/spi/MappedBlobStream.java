package dev.wharf.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A blob stream from {@link BlobReader#open} whose bytes lie in a file, which a sender may map into memory a
 * window at a time instead of reading them: a socket write then copies the bytes straight from the page cache,
 * one copy fewer than reading them into a buffer first. A store's stream may implement this besides being an
 * {@link java.io.InputStream}; callers that do not know it read the stream as usual.
 *
 * <p>The stream has one position, shared by {@link #mapNext} and the stream's reads. Not thread-safe.
 */
public interface MappedBlobStream {

    /**
     * Maps the next bytes of the stream, at most {@code maxBytes}, read-only, and moves past them.
     *
     * @return the mapped bytes from position to limit, or null at the end of the stream
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     * @throws IOException              if the bytes cannot be mapped; the position is then unchanged, so the caller
     *                                  may read them instead
     */
    ByteBuffer mapNext(int maxBytes) throws IOException;

    /**
     * Unmaps a buffer from {@link #mapNext}, the very buffer it returned (not a slice or duplicate of it), now
     * rather than when the garbage collector finds it, so that the process does not keep every window it sent
     * resident. The caller must be sure that nothing reads the buffer
     * any more, no write pending on it included: reading an unmapped buffer can crash the JVM. Where the JVM
     * offers no way to unmap early, this does nothing and the garbage collector unmaps it.
     */
    void unmap(ByteBuffer mapped);
}
