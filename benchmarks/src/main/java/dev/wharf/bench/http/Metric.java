package dev.wharf.bench.http;

/**
 * Every number the HTTP harness reports, with its unit, how rounds are combined, and its goal.
 * Throughputs are "higher is better"; the ratio column is always Wharf / distribution.
 */
public enum Metric {
    PUSH_MONOLITHIC("push one blob monolithically (POST + PUT)", "MiB/s", false, Goal.ratioAtLeast(1.7)),
    PUSH_VS_DISK("monolithic push / fsync'd sequential write of this disk", "%", false, Goal.wharfAtLeast(85)) {
        @Override
        public boolean compared() {
            return false; // already a ratio to the disk; a ratio of ratios says nothing
        }
    },
    PUSH_CHUNKED("push one blob in chunks (PATCH + Content-Range)", "MiB/s", false, Goal.ratioAtLeast(1.7)),
    PULL("pull one blob", "MiB/s", false, Goal.ratioAtLeast(1.2)),
    SMALL_BLOBS("push small blobs, concurrent clients", "blobs/s", false, Goal.ratioAtLeast(6)),
    MANIFEST_GET("manifest GET by tag", "req/s", false, Goal.ratioAtLeast(20)),
    MANIFEST_GET_P99("manifest GET by tag, p99 latency", "ms", false, Goal.wharfAtMost(20)),
    BLOB_HEAD("blob HEAD", "req/s", false, Goal.ratioAtLeast(20)),
    BLOB_HEAD_P99("blob HEAD, p99 latency", "ms", false, Goal.report()),
    TAG_CREATE("create tags on one repository (PUT manifest by tag)", "tags/s", false, Goal.ratioAtLeast(10)),
    TAG_WALK("walk all tags, n=100, following Link", "tags/s", false, Goal.report()),
    TAG_PAGE_FLATNESS("tag page time, last tenth / first tenth of the list", "×", false, Goal.report()),
    CATALOG_WALK("walk the catalog, n=100, following Link", "walks/s", false, Goal.ratioAtLeast(10)),
    PEAK_RSS("peak RSS of the server process (VmHWM)", "MiB", true, Goal.wharfAtMost(200)),
    DISK_WRITE("fsync'd sequential write, plain Java FileChannel", "MiB/s", false, Goal.report());

    private final String label;
    private final String unit;
    private final boolean maxOverRounds;
    private final Goal goal;

    Metric(String label, String unit, boolean maxOverRounds, Goal goal) {
        this.label = label;
        this.unit = unit;
        this.maxOverRounds = maxOverRounds;
        this.goal = goal;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    /** True when rounds combine by maximum (peaks), false by median. */
    public boolean maxOverRounds() {
        return maxOverRounds;
    }

    public Goal goal() {
        return goal;
    }

    /** Whether the Wharf/distribution ratio means something for this metric. */
    public boolean compared() {
        return true;
    }
}
