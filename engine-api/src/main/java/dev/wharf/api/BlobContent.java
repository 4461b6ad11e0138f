package dev.wharf.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

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

    /**
     * True when the bytes come from somewhere slower than this registry's own store while they are read (a
     * pull-through mirror fetching them from its upstream): reads may wait on another server, so an HTTP layer
     * should not read them on threads shared with other transfers. False by default.
     */
    default boolean fetchedWhileRead() {
        return false;
    }

    /**
     * Where the client may fetch these same bytes itself instead (a presigned object-storage URL offered by the blob
     * store's {@link dev.wharf.spi.BlobRedirects} role), for a read of the whole blob; empty to serve them through
     * the registry, which is the default. Asking opens nothing: an HTTP layer that redirects closes this read
     * without calling {@link #stream()}.
     */
    default Optional<URI> redirect() {
        return Optional.empty();
    }

    @Override
    void close() throws IOException;
}
