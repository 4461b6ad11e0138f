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
     * stored (whatever the range). The caller closes the stream. A zero-length range anywhere from the start to
     * the end of the blob is valid.
     *
     * @throws IllegalArgumentException if the range does not lie within the blob: {@code offset} or
     *                                  {@code length} negative, or the range ending past the blob (however
     *                                  large {@code length} is: {@code offset + length} must not overflow into
     *                                  a valid range)
     */
    Optional<InputStream> open(Digest digest, long offset, long length);
}
