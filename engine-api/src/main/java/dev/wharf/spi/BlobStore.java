package dev.wharf.spi;

import java.util.Optional;

/**
 * Registry-global, content-addressed blob bytes: one copy per digest for the whole registry. Which
 * repositories may see a blob is the metadata's business ({@link RepositoryLinks}), never this store's.
 *
 * <p>A store is its roles: {@link BlobReader} and {@link BlobStaging}, which every store has, and the
 * optional {@link BlobDeletion} and {@link BlobRedirects}, which a store declares by returning them.
 * Every method is thread-safe; failures are {@link StorageException}s, absence is {@link Optional#empty()}.
 * The contract kit {@code engine-testkit} checks every role.
 */
public interface BlobStore extends BlobReader, BlobStaging, AutoCloseable {

    /** The deleting role, if this store can delete; empty means blobs are kept forever. */
    default Optional<BlobDeletion> deletion() {
        return Optional.empty();
    }

    /** The redirecting role, if clients can read this store's bytes directly; empty by default. */
    default Optional<BlobRedirects> redirects() {
        return Optional.empty();
    }

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
