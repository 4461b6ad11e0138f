package dev.wharf.spi;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;

import java.io.InputStream;
import java.util.Optional;

/**
 * The reading role of a {@link BlobStore}: whether a blob's bytes are stored, and a ranged read of them.
 *
 * <p>Contract: a blob is either wholly readable or absent, never a prefix; its size never changes once
 * published. Both methods are thread-safe and answer {@link Optional#empty()} for a blob that is not stored
 * (never published, or deleted). Storage failures are {@link StorageException}s.
 */
public interface BlobReader {

    /** Digest and size of a stored blob, or empty. */
    Optional<BlobInfo> stat(Digest digest);

    /**
     * Reads {@code length} bytes of a stored blob starting at {@code offset}, or empty if the blob is not
     * stored. The caller closes the stream.
     *
     * @throws IllegalArgumentException if the range does not lie within the blob
     */
    Optional<InputStream> open(Digest digest, long offset, long length);
}
