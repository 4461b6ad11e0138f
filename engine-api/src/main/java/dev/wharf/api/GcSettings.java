package dev.wharf.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How online garbage collection runs.
 *
 * @param interval           time between scheduled runs; {@link Duration#ZERO} disables the schedule (runs
 *                           then happen only through {@link Registry#collectGarbage()})
 * @param blobGracePeriod    a blob is reclaimed only after it has been found unreferenced for at least this
 *                           long (across runs), so bytes uploaded moments before their manifest survive
 * @param untaggedManifestRetention untagged manifests older than this are deleted (unless another manifest
 *                           references them or they refer to a manifest that still exists); empty keeps
 *                           them forever, the default
 */
public record GcSettings(Duration interval, Duration blobGracePeriod, Optional<Duration> untaggedManifestRetention) {
    public GcSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(blobGracePeriod, "blobGracePeriod");
        Objects.requireNonNull(untaggedManifestRetention, "untaggedManifestRetention");
        if (interval.isNegative() || blobGracePeriod.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** Every hour, ten-minute grace period, untagged manifests kept. */
    public static GcSettings defaults() {
        return new GcSettings(Duration.ofHours(1), Duration.ofMinutes(10), Optional.empty());
    }

    public GcSettings withInterval(Duration value) {
        return new GcSettings(value, blobGracePeriod, untaggedManifestRetention);
    }

    public GcSettings withBlobGracePeriod(Duration value) {
        return new GcSettings(interval, value, untaggedManifestRetention);
    }

    public GcSettings withUntaggedManifestRetention(Duration value) {
        return new GcSettings(interval, blobGracePeriod, Optional.of(value));
    }
}
