package dev.wharf.spi;

/**
 * How often one digest is held within one quota scope, and its size: the de-duplication record behind
 * {@link dev.wharf.api.Usage#bytes()}. The digest's bytes count once while {@code count} is positive.
 *
 * @param count links and manifests of the scope's repositories holding the digest (at least 1 when stored)
 * @param size  the digest's size in bytes
 */
public record UsageRef(long count, long size) {
    public UsageRef {
        if (count < 0 || size < 0) {
            throw new IllegalArgumentException("count and size must not be negative");
        }
    }
}
