package dev.wharf.api;

import java.util.Objects;

/**
 * A stored manifest exactly as pushed: its digest, the media type it is served with, and its bytes.
 *
 * @param digest    the digest the manifest is addressed by
 * @param mediaType the Content-Type it was pushed with (or its {@code mediaType} field)
 * @param bytes     the exact bytes pushed; callers must not modify the array
 */
public record Manifest(Digest digest, String mediaType, byte[] bytes) {
    public Manifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(bytes, "bytes");
    }

    /** Size in bytes. */
    public long size() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.digest.equals(digest) && m.mediaType.equals(mediaType);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest[" + digest + ", " + mediaType + ", " + bytes.length + " bytes]";
    }
}
