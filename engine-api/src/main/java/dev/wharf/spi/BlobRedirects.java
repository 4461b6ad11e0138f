package dev.wharf.spi;

import dev.wharf.api.Digest;

import java.net.URI;
import java.util.Optional;

/**
 * The optional redirecting role of a {@link BlobStore}, offered through {@link BlobStore#redirects()}: a
 * store whose bytes clients can fetch directly (a presigned object-storage URL) names where, and the HTTP
 * layer may answer a blob {@code GET} with a redirect instead of streaming the bytes itself.
 */
public interface BlobRedirects {

    /**
     * An absolute {@code http} or {@code https} URI that serves the stored blob's bytes to anyone holding it, or
     * empty to serve them through Wharf.
     */
    Optional<URI> readRedirect(Digest digest);
}
