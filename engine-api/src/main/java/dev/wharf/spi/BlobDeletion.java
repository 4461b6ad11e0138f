package dev.wharf.spi;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;

import java.util.function.Consumer;

/**
 * The optional deleting role of a {@link BlobStore}, offered through {@link BlobStore#deletion()}: garbage
 * collection enumerates the stored blobs and deletes the ones nothing references. A store without it (a
 * write-once archive, say) keeps every blob; the engine then answers a blob {@code DELETE}
 * {@code UNSUPPORTED} and garbage collection reclaims metadata only.
 *
 * <p>Contract: {@link #delete(Digest)} removes the bytes atomically (a reader sees the whole blob or none);
 * {@link #forEach(Consumer)} may run concurrently with commits and deletes and visits at least every blob
 * stored throughout the visit.
 */
public interface BlobDeletion {

    /** Removes a blob's bytes; false if it was not stored. Only garbage collection calls this. */
    boolean delete(Digest digest);

    /** Visits every published blob with its size, in no particular order; staged writes are not blobs yet. */
    void forEach(Consumer<BlobInfo> visitor);
}
