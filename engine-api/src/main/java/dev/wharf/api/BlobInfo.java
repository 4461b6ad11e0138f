package dev.wharf.api;

import java.util.Objects;

/**
 * What is known about stored blob bytes: their digest and exact size.
 *
 * @param digest the blob's digest
 * @param size   the blob's size in bytes, never negative
 */
public record BlobInfo(Digest digest, long size) {
    public BlobInfo {
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
