package dev.wharf.api;

/**
 * What follows {@code /manifests/} in a URL: either a {@link Tag} or a {@link Digest}.
 * A string containing {@code ':'} is a digest; anything else is a tag.
 */
public sealed interface Reference permits Tag, Digest {

    /**
     * Parses a manifest reference.
     *
     * @throws RegistryException {@link ErrorCode#DIGEST_INVALID} or {@link ErrorCode#TAG_INVALID}
     */
    static Reference parse(String s) {
        if (s != null && s.indexOf(':') >= 0) {
            return Digest.parse(s);
        }
        return Tag.of(s);
    }

    /** True for a digest reference. */
    boolean isDigest();
}
