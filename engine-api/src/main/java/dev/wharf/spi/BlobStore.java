package dev.wharf.spi;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Registry-global, content-addressed blob bytes: one copy per digest for the whole registry. Which
 * repositories may see a blob is the {@link MetadataStore}'s business (links), never this store's.
 *
 * <p>Contract:
 * <ul>
 *   <li>Writes are staged ({@link #stage()}) and invisible until {@link StagedBlob#commit(Digest)}, which
 *       publishes atomically: a reader sees the whole blob or nothing, never a prefix. Committing a digest
 *       that already exists discards the staged copy and succeeds.</li>
 *   <li>The engine hashes the bytes as they arrive and commits only after verifying the digest; the
 *       store need not hash, but must store exactly the bytes it was given.</li>
 *   <li>A durable implementation makes a committed blob survive a crash (fsync before publish) and never
 *       leaves a partially written file under a blob's name.</li>
 *   <li>All methods are thread-safe; concurrent commits of the same digest end with one copy.</li>
 * </ul>
 */
public interface BlobStore extends AutoCloseable {

    /** Digest and size of a stored blob, or empty. */
    Optional<BlobInfo> stat(Digest digest) throws IOException;

    /**
     * Reads {@code length} bytes of a stored blob starting at {@code offset}.
     *
     * @throws java.nio.file.NoSuchFileException if the blob is not stored
     */
    InputStream open(Digest digest, long offset, long length) throws IOException;

    /**
     * Starts a new staged write. A durable store need not make the new, empty write durable here: its
     * first durable {@link StagedBlob#append(InputStream, boolean) append} must make both the bytes and the
     * write's existence survive a crash (the engine acknowledges nothing before that).
     */
    StagedBlob stage() throws IOException;

    /**
     * Reopens a staged write by its {@link StagedBlob#id()} (after a restart, for stores that keep staged
     * bytes durably), or empty if it is gone.
     */
    Optional<StagedBlob> resume(String stagedId) throws IOException;

    /** Removes a blob's bytes; false if it was not stored. Only garbage collection calls this. */
    boolean delete(Digest digest) throws IOException;

    /** Visits every stored blob (for garbage collection and audits), in no particular order. */
    void forEach(Consumer<BlobInfo> visitor) throws IOException;

    /**
     * A URI clients may be redirected to for reading this blob (for example a presigned storage URL), or
     * empty to serve the bytes through the registry. Optional capability; the default serves directly.
     */
    default Optional<java.net.URI> readRedirect(Digest digest) {
        return Optional.empty();
    }

    /** Releases resources. Idempotent. */
    @Override
    void close() throws IOException;
}
