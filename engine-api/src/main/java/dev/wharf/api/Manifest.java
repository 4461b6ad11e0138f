package dev.wharf.api;

import java.util.Objects;

/**
 * A stored manifest exactly as pushed: its digest, the media type it is served with, and its bytes.
 *
 * @param digest    the digest the manifest is addressed by
 * @param mediaType the Content-Type it was pushed with (or its {@code mediaType} field)
 * @param bytes     the exact bytes pushed; callers must not modify the array
 * @param warnings  what the client should be told along with it (sent as {@code Warning: 299} headers): for
 *                  a mirrored tag served while its upstream cannot be asked, that it may be stale
 */
public record Manifest(Digest digest, String mediaType, byte[] bytes, java.util.List<String> warnings) {
    public Manifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(bytes, "bytes");
        warnings = java.util.List.copyOf(warnings);
    }

    /** A manifest with nothing to warn about. */
    public Manifest(Digest digest, String mediaType, byte[] bytes) {
        this(digest, mediaType, bytes, java.util.List.of());
    }

    /** This manifest with {@code warning} added. */
    public Manifest withWarning(String warning) {
        java.util.List<String> all = new java.util.ArrayList<>(warnings);
        all.add(warning);
        return new Manifest(digest, mediaType, bytes, all);
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
