package dev.wharf.bench.http;

import java.util.List;
import java.util.Optional;

/**
 * Blob workloads: monolithic and chunked pushes of the big blob, its pull, concurrent small-blob pushes and
 * the blob HEAD load. Each checks every answer (see {@link RegistryClient}) and, after timing, that the
 * registry really holds what it acknowledged.
 */
final class BlobWorkloads {
    static final String BIG = "bench/big";
    static final String CHUNKED = "bench/chunked";
    static final String SMALL = "bench/small";
    static final String WARM = "bench/warm";
    /**
     * The harness's own pull path (receive and compare every byte) keeps getting faster over its first GiB
     * or two while the JIT compiles it: a fresh client pulled a warm server at 1.4-1.7 GiB/s first and
     * 2-3.5 GiB/s from the third pull on. Warming it with 1 GiB keeps the client from capping both targets.
     */
    private static final int WARM_PULLS = 16;
    /** Measured pulls of the big blob. */
    static final int PULLS = 3;

    private final ServerRun run;
    private final HarnessOptions o;

    BlobWorkloads(ServerRun run) {
        this.run = run;
        this.o = run.options;
    }

    /**
     * Warm-up, nothing recorded: the big-blob paths with a smaller blob, then concurrent small-blob pushes and
     * tag creation with other content, so that the measured phases see a server in its steady state (a JIT
     * compiler done with them) as the load tests do after their warm-up seconds. Both targets get the same. Half
     * as many tags as the measured phase (at least one per warm-up blob) are created: the harness's own client,
     * which shares the cores, then has its request path compiled before the measured phases too, instead of
     * compiling it during tag creation.
     */
    void warmUp() {
        warmUp(0, Math.max(run.blobs.warmSmall().size(), o.tags() / 2));
    }

    /**
     * One pass of {@link #warmUp()} creating one tag per warm-up blob; passes after the first push the same blobs
     * again and create new tags ({@code warm-<pass>-<i>}), so that tag creation stays on the path the measured
     * phase takes.
     */
    void warmUp(int pass) {
        warmUp(pass, run.blobs.warmSmall().size());
    }

    private void warmUp(int pass, int tags) {
        try (RegistryClient c = run.client()) {
            c.pushMonolithic(WARM, run.blobs.warmBig());
            for (int i = 0; i < WARM_PULLS; i++) {
                c.pull(WARM, run.blobs.warmBig());
            }
            c.pushChunked(WARM, run.blobs.warmChunked(), Math.min(o.chunkSize(), run.blobs.warmChunked().size() / 4 + 1));
        }
        run.repositories.add(WARM);
        List<PatternBlob> small = run.blobs.warmSmall();
        ParallelRunner.run(run.target, o.clients(), small.size(), ServerRun.PHASE_DEADLINE_SECONDS,
                ServerRun.READ_TIMEOUT_MILLIS, (c, i) -> c.pushMonolithic(WARM, small.get(i)));
        byte[] manifest = OciManifest.of(small.get(0).digest(), small.get(0).size(), small.subList(1, 2));
        String digest = RegistryClient.sha256(manifest);
        String prefix = pass == 0 ? "warm-" : "warm-" + pass + "-";
        ParallelRunner.run(run.target, o.clients(), tags, ServerRun.PHASE_DEADLINE_SECONDS,
                ServerRun.READ_TIMEOUT_MILLIS, (c, i) -> c.putManifest(WARM, prefix + i, ListingWorkloads.MEDIA_TYPE,
                        manifest, digest));
    }

    /**
     * Readies the server and the machine for a timed push of {@code blob}: the server done with what earlier phases
     * left it ({@link ServerProcess#awaitIdle}), then dirty pages flushed and memory freed
     * ({@link DiskBaseline#readyForBigWrite}).
     */
    private void readyForBigPush(PatternBlob blob) {
        run.server.awaitIdle();
        DiskBaseline.readyForBigWrite(o.workDir(), blob.size());
    }

    void pushMonolithic() {
        PatternBlob blob = run.blobs.big();
        readyForBigPush(blob);
        long nanos;
        try (RegistryClient c = run.client()) {
            long start = System.nanoTime();
            c.pushMonolithic(BIG, blob);
            nanos = System.nanoTime() - start;
            c.head(BIG, blob.digest(), blob.size());
        }
        run.repositories.add(BIG);
        double mibs = ServerRun.mibPerSecond(blob.size(), nanos);
        run.results.detail(Metric.PUSH_MONOLITHIC, HarnessOptions.human(blob.size()));
        run.record(Metric.PUSH_MONOLITHIC, mibs);
        run.results.detail(Metric.PUSH_VS_DISK, HarnessOptions.human(blob.size()) + ", same round's disk baseline");
        run.record(Metric.PUSH_VS_DISK, 100 * mibs / run.diskMiBs);
    }

    /**
     * Pulls the big blob {@value #PULLS} times back to back on one connection and reports the bytes over the
     * time: one pull is over in under a second, and single pulls varied by ±30 % from one to the next.
     */
    void pull() {
        PatternBlob blob = run.blobs.big();
        long nanos;
        try (RegistryClient c = run.client()) {
            long start = System.nanoTime();
            for (int i = 0; i < PULLS; i++) {
                c.pull(BIG, blob);
            }
            nanos = System.nanoTime() - start;
        }
        run.results.detail(Metric.PULL, HarnessOptions.human(blob.size()) + ", " + PULLS
                + " pulls back to back, every byte checked");
        run.record(Metric.PULL, ServerRun.mibPerSecond(PULLS * blob.size(), nanos));
    }

    void pushChunked() {
        PatternBlob blob = run.blobs.chunked();
        readyForBigPush(blob);
        long nanos;
        try (RegistryClient c = run.client()) {
            long start = System.nanoTime();
            c.pushChunked(CHUNKED, blob, o.chunkSize());
            nanos = System.nanoTime() - start;
            c.head(CHUNKED, blob.digest(), blob.size());
        }
        run.repositories.add(CHUNKED);
        run.results.detail(Metric.PUSH_CHUNKED, HarnessOptions.human(blob.size()) + " in "
                + HarnessOptions.human(o.chunkSize()) + " chunks");
        run.record(Metric.PUSH_CHUNKED, ServerRun.mibPerSecond(blob.size(), nanos));
    }

    void pushSmallBlobs() {
        List<PatternBlob> small = run.blobs.small();
        DiskBaseline.settle();
        long nanos = ParallelRunner.run(run.target, o.clients(), small.size(), ServerRun.PHASE_DEADLINE_SECONDS,
                ServerRun.READ_TIMEOUT_MILLIS, (c, i) -> c.pushMonolithic(SMALL, small.get(i)));
        run.repositories.add(SMALL);
        // Every acknowledged blob must be there, with its size.
        ParallelRunner.run(run.target, o.clients(), small.size(), ServerRun.PHASE_DEADLINE_SECONDS,
                ServerRun.READ_TIMEOUT_MILLIS, (c, i) -> c.head(SMALL, small.get(i).digest(), small.get(i).size()));
        run.results.detail(Metric.SMALL_BLOBS, small.size() + " × " + HarnessOptions.human(o.smallBlobSize())
                + ", POST + PUT, " + o.clients() + " clients");
        run.record(Metric.SMALL_BLOBS, small.size() / (nanos / 1e9));
    }

    void headLoad() {
        LoadResult r = ReadLoads.of(o).blobHead(run.target, SMALL, run.blobs.small().get(0), Optional.empty());
        String detail = o.connections() + " connections, " + r.tool() + " client, " + o.seconds() + " s";
        run.results.detail(Metric.BLOB_HEAD, detail);
        run.results.detail(Metric.BLOB_HEAD_P99, detail);
        run.record(Metric.BLOB_HEAD, r.requestsPerSecond());
        run.record(Metric.BLOB_HEAD_P99, r.p99Millis());
    }
}
