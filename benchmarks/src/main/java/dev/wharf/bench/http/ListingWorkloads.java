package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Manifest and listing workloads: the manifest GET load, tag creation on one repository, the tag walk and the
 * catalog walk. Needs the small blobs pushed by {@link BlobWorkloads} (the manifest references two of them).
 */
final class ListingWorkloads {
    static final String TAGS = "bench/tags";
    static final String CATALOG_PREFIX = "catalog/r";
    static final String MEDIA_TYPE = OciManifest.MEDIA_TYPE;
    /** Repeat a walk until this much time has passed (at least once), to smooth out short walks. */
    private static final long WALK_NANOS = 3_000_000_000L;
    private static final int MAX_WALKS = 20;

    private final ServerRun run;
    private final HarnessOptions o;
    private final byte[] manifest;

    ListingWorkloads(ServerRun run) {
        this.run = run;
        this.o = run.options;
        this.manifest = manifest(run.blobs);
    }

    /** An OCI image manifest: the config and the first two small blobs as layers. */
    static byte[] manifest(BlobSet blobs) {
        return OciManifest.of(blobs.configDigest(), blobs.config().length, blobs.small().subList(0, 2));
    }

    void manifestLoad() {
        String digest;
        try (RegistryClient c = run.client()) {
            c.pushMonolithic(BlobWorkloads.SMALL, run.blobs.configDigest(), BodySource.of(run.blobs.config()));
            digest = c.putManifest(BlobWorkloads.SMALL, "latest", MEDIA_TYPE, manifest);
            c.getManifest(BlobWorkloads.SMALL, "latest", MEDIA_TYPE, manifest);
        }
        LoadResult r = ReadLoads.of(o).manifestGet(run.target, run.server.directory(), BlobWorkloads.SMALL, "latest",
                manifest, digest, Optional.empty());
        // Still serving the same manifest after the load.
        try (RegistryClient c = run.client()) {
            c.getManifest(BlobWorkloads.SMALL, "latest", MEDIA_TYPE, manifest);
        }
        String detail = o.connections() + " connections, " + r.tool() + ", " + o.seconds() + " s";
        run.results.detail(Metric.MANIFEST_GET, detail);
        run.results.detail(Metric.MANIFEST_GET_P99, detail);
        run.record(Metric.MANIFEST_GET, r.requestsPerSecond());
        run.record(Metric.MANIFEST_GET_P99, r.p99Millis());
    }

    /** {@code t} and {@code i} in at least six digits, zero-padded (by hand: String.format parses its pattern). */
    static String tagName(int i) {
        String digits = Integer.toString(i);
        return digits.length() >= 6 ? "t" + digits : "t" + "000000".substring(digits.length()) + digits;
    }

    void createTags() {
        createTags("");
    }

    /**
     * Tag creation with every tag name starting with {@code prefix}, so that a harness pushing into the same
     * registry round after round creates new tags in each.
     */
    void createTags(String prefix) {
        try (RegistryClient c = run.client()) {
            c.mount(TAGS, BlobWorkloads.SMALL, run.blobs.configDigest());
            c.mount(TAGS, BlobWorkloads.SMALL, run.blobs.small().get(0).digest());
            c.mount(TAGS, BlobWorkloads.SMALL, run.blobs.small().get(1).digest());
        }
        run.repositories.add(TAGS);
        // The digest and the names are computed before the clock starts: the client, on the same two cores,
        // would otherwise hash the manifest and run String.format for every tag, and compile both while measured.
        String digest = RegistryClient.sha256(manifest);
        String[] names = new String[o.tags()];
        for (int i = 0; i < names.length; i++) {
            names[i] = prefix + tagName(i);
        }
        long nanos = ParallelRunner.run(run.target, o.clients(), o.tags(), ServerRun.PHASE_DEADLINE_SECONDS,
                ServerRun.READ_TIMEOUT_MILLIS, (c, i) -> c.putManifest(TAGS, names[i], MEDIA_TYPE, manifest, digest));
        run.results.detail(Metric.TAG_CREATE, o.tags() + " tags, " + o.clients() + " clients");
        run.record(Metric.TAG_CREATE, o.tags() / (nanos / 1e9));
    }

    void walkTags() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < o.tags(); i++) {
            expected.add(tagName(i));
        }
        List<Long> first = new ArrayList<>();
        List<Long> last = new ArrayList<>();
        long items = 0;
        long nanos = 0;
        int pages = 0;
        try (RegistryClient c = run.client()) {
            for (int walk = 0; walk < MAX_WALKS && (walk == 0 || nanos < WALK_NANOS); walk++) {
                long start = System.nanoTime();
                RegistryClient.Listing listing = c.walk("/v2/" + TAGS + "/tags/list?n=" + o.pageSize(), "tags",
                        o.tags() / o.pageSize() + 10);
                nanos += System.nanoTime() - start;
                requireExactly("tags of " + TAGS, listing.items(), expected);
                items += listing.items().size();
                List<Long> p = listing.pageNanos();
                pages = p.size();
                int tenth = p.size() / 10;
                if (tenth > 0) {
                    first.addAll(p.subList(0, tenth));
                    last.addAll(p.subList(p.size() - tenth, p.size()));
                }
            }
        }
        run.results.detail(Metric.TAG_WALK, o.tags() + " tags, n=" + o.pageSize());
        run.results.note(run.target.name() + " served " + o.tags() + " tags with n=" + o.pageSize() + " in " + pages
                + " page(s)" + (pages == 1 && o.tags() > o.pageSize() ? " (no pagination: page-flatness n/a)" : ""));
        run.record(Metric.TAG_WALK, items / (nanos / 1e9));
        if (!first.isEmpty()) {
            run.results.detail(Metric.TAG_PAGE_FLATNESS, "median page time; 1.0 is flat");
            run.record(Metric.TAG_PAGE_FLATNESS, median(last) / median(first));
        }
    }

    void walkCatalog() {
        String from = BlobWorkloads.SMALL;
        String config = run.blobs.configDigest();
        ParallelRunner.run(run.target, o.clients(), o.repositories(), ServerRun.PHASE_DEADLINE_SECONDS,
                ServerRun.READ_TIMEOUT_MILLIS, (c, i) -> c.mount(String.format(CATALOG_PREFIX + "%05d", i), from, config));
        for (int i = 0; i < o.repositories(); i++) {
            run.repositories.add(String.format(CATALOG_PREFIX + "%05d", i));
        }
        Set<String> expected = new TreeSet<>(run.repositories);
        long nanos = 0;
        int walks = 0;
        int pages = 0;
        try (RegistryClient c = run.client()) {
            while (walks < MAX_WALKS && (walks == 0 || nanos < WALK_NANOS)) {
                long start = System.nanoTime();
                RegistryClient.Listing listing = c.walk("/v2/_catalog?n=" + o.pageSize(), "repositories",
                        expected.size() / o.pageSize() + 10);
                nanos += System.nanoTime() - start;
                requireExactly("catalog", listing.items(), expected);
                pages = listing.pageNanos().size();
                walks++;
            }
        }
        run.results.detail(Metric.CATALOG_WALK, expected.size() + " repositories, n=" + o.pageSize());
        run.results.note(run.target.name() + " served the catalog of " + expected.size() + " repositories with n="
                + o.pageSize() + " in " + pages + " page(s)");
        run.record(Metric.CATALOG_WALK, walks / (nanos / 1e9));
    }

    /** Fails unless {@code got} holds each expected item exactly once and nothing else. */
    static void requireExactly(String what, List<String> got, Set<String> expected) {
        Set<String> seen = new HashSet<>();
        for (String item : got) {
            if (!seen.add(item)) {
                throw new BenchmarkFailure(what + ": '" + item + "' listed twice");
            }
            if (!expected.contains(item)) {
                throw new BenchmarkFailure(what + ": unexpected entry '" + item + "'");
            }
        }
        if (seen.size() != expected.size()) {
            throw new BenchmarkFailure(what + ": listed " + seen.size() + " entries, expected " + expected.size());
        }
    }

    private static double median(List<Long> nanos) {
        return Stats.median(nanos.stream().map(Long::doubleValue).toList());
    }
}
