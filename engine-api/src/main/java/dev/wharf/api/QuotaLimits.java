package dev.wharf.api;

/**
 * The most a quota scope may hold of each thing Wharf counts (see {@link Usage}); {@link #UNLIMITED} where
 * there is no limit.
 *
 * @param bytes        stored bytes, counted as {@link Usage#bytes()} counts them
 * @param manifests    manifests held, each (repository, digest) once
 * @param tags         tags, each (repository, tag) once
 * @param repositories repositories that hold anything
 */
public record QuotaLimits(long bytes, long manifests, long tags, long repositories) {
    /** No limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    /** Limits on nothing. */
    public static final QuotaLimits NONE = new QuotaLimits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);

    public QuotaLimits {
        if (bytes < 0 || manifests < 0 || tags < 0 || repositories < 0) {
            throw new IllegalArgumentException("quota limits must not be negative");
        }
    }

    /** The limit on {@code kind}. */
    public long of(Usage.Kind kind) {
        return switch (kind) {
            case BYTES -> bytes;
            case MANIFESTS -> manifests;
            case TAGS -> tags;
            case REPOSITORIES -> repositories;
        };
    }

    /** The stricter of this and {@code other}, kind by kind. */
    public QuotaLimits min(QuotaLimits other) {
        return new QuotaLimits(Math.min(bytes, other.bytes), Math.min(manifests, other.manifests),
                Math.min(tags, other.tags), Math.min(repositories, other.repositories));
    }

    /** True when no kind is limited. */
    public boolean isNone() {
        return equals(NONE);
    }

    public QuotaLimits withBytes(long limit) {
        return new QuotaLimits(limit, manifests, tags, repositories);
    }

    public QuotaLimits withManifests(long limit) {
        return new QuotaLimits(bytes, limit, tags, repositories);
    }

    public QuotaLimits withTags(long limit) {
        return new QuotaLimits(bytes, manifests, limit, repositories);
    }

    public QuotaLimits withRepositories(long limit) {
        return new QuotaLimits(bytes, manifests, tags, limit);
    }
}
