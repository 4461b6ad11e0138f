package dev.wharf.api;

import java.util.Objects;
import java.util.Optional;

/**
 * How garbage collection has gone since the registry opened, for monitoring: runs that finished and runs that
 * failed (scheduled or asked for with {@link Registry#collectGarbage()}), and what the last finished run did.
 *
 * @param completed runs that finished
 * @param failed    runs that failed (they are retried at the next scheduled run)
 * @param last      the report of the last finished run; empty before the first
 */
public record GcRuns(long completed, long failed, Optional<GcReport> last) {
    /** Counts are not negative; {@code last} is required (empty before the first run). */
    public GcRuns {
        if (completed < 0 || failed < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + completed + ", " + failed);
        }
        Objects.requireNonNull(last, "last");
    }
}
