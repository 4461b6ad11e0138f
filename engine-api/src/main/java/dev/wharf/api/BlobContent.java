package dev.wharf.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open read of a blob, possibly of a byte range. The caller must close it (it may hold a file handle).
 *
 * <p>{@link #stream()} yields exactly {@link #length()} bytes starting at {@link #offset()}.
 */
public interface BlobContent extends AutoCloseable {
    /** The whole blob's digest and size. */
    BlobInfo blob();

    /** Offset of the first byte served. */
    long offset();

    /** Number of bytes served. */
    long length();

    /** The bytes; read at most once. */
    InputStream stream() throws IOException;

    @Override
    void close() throws IOException;
}
