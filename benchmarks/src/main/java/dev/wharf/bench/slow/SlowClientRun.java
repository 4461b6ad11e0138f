package dev.wharf.bench.slow;

import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.BodySource;
import dev.wharf.bench.http.HttpConnection;
import dev.wharf.bench.http.OciManifest;
import dev.wharf.bench.http.PatternBlob;
import dev.wharf.bench.http.ProcStatus;
import dev.wharf.bench.http.RegistryClient;
import dev.wharf.bench.http.Request;
import dev.wharf.bench.http.ServerProcess;
import dev.wharf.bench.http.Target;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One freshly started server through one slow-client phase: pushes the blob, its config and a manifest
 * ({@link #push}), then runs the phase ({@link #phase}) with the probe and the sampler alongside, and measures
 * how soon the server answers a new client once the slow ones have closed. A server serves one phase only,
 * so that the threads and memory one phase leaves behind (a pool that has grown, a heap not returned) do not
 * show in the next.
 */
final class SlowClientRun {
    static final String REPOSITORY = "slow/blob";
    static final String UPLOAD_REPOSITORY = "slow/uploads";
    static final String TAG = "latest";
    /** Pushing the 64 MiB blob takes well under this; a server that takes longer is broken. */
    private static final int SETUP_READ_TIMEOUT_MILLIS = 120_000;
    /** The probe starts this long after the last slow client has connected, once their requests are in. */
    static final long PROBE_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** "Still moving" looks at the last this-many seconds (a third of a shorter phase). */
    static final long ACTIVE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long to wait for a server to answer a new client again once the slow ones have gone. */
    static final long RECOVERY_CAP_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Time the probe may take after a phase's end: its last request's timeout plus this. */
    private static final long PROBE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SlowClientOptions o;
    private final ServerProcess server;
    private final Target target;
    private final PatternBlob blob;
    private final byte[] manifest;
    private final PrintStream log;

    SlowClientRun(SlowClientOptions o, ServerProcess server, PatternBlob blob, byte[] manifest, PrintStream log) {
        this.o = o;
        this.server = server;
        this.target = server.target();
        this.blob = blob;
        this.manifest = manifest.clone();
        this.log = log;
    }

    /** The blob, the config and the manifest by tag; then checks that both probes' answers are right. */
    void push() {
        byte[] config = OciManifest.config();
        try (RegistryClient c = new RegistryClient(target, SETUP_READ_TIMEOUT_MILLIS)) {
            c.pushMonolithic(REPOSITORY, blob);
            c.pushMonolithic(REPOSITORY, RegistryClient.sha256(config), BodySource.of(config));
            c.putManifest(REPOSITORY, TAG, OciManifest.MEDIA_TYPE, manifest);
            c.head(REPOSITORY, blob.digest(), blob.size());
            c.getManifest(REPOSITORY, TAG, OciManifest.MEDIA_TYPE, manifest);
        }
    }

    /**
     * One phase: the slow clients from now until now + seconds, the probe from when they are all connected
     * (plus {@link #PROBE_SETTLE_NANOS}) until the same end, the sampler throughout; then the connections are
     * closed and the recovery is measured. Every part has a deadline; whatever fails, the probe, sampler and
     * connections are closed before this returns or throws.
     */
    PhaseResult phase(SlowClientOptions.Phase phase) throws IOException, InterruptedException {
        boolean downloads = phase == SlowClientOptions.Phase.DOWNLOADS;
        int count = downloads ? o.clients() : o.uploads();
        long tick = TimeUnit.MILLISECONDS.toNanos(o.tickMillis());
        SlowClientLoop.Pacing pacing = new SlowClientLoop.Pacing(tick, downloads ? (int) o.receiveBuffer() : 0);
        long timeout = TimeUnit.MILLISECONDS.toNanos(o.probeTimeoutMillis());
        long duration = TimeUnit.SECONDS.toNanos(o.seconds());
        long window = Math.min(ACTIVE_WINDOW_NANOS, duration / 3);
        IntFunction<SlowClient> factory = downloads ? downloadClients(tick) : uploadClients(tick);
        long limit = ProcStatus.openFileLimit(server.pid()).orElse(-1);

        log.printf(Locale.ROOT, "%s %s: %d clients for %d s%n", target.name(), phase.cliName(), count, o.seconds());
        long serverCpu = cpuNanos(server.pid());
        long harnessCpu = cpuNanos(ProcessHandle.current().pid());
        long start = System.nanoTime();
        long end = start + duration;
        long probeStart = start + Math.min(pacing.rampNanos(count) + PROBE_SETTLE_NANOS, duration / 2);
        try (ServerSampler sampler = ServerSampler.start(server); Probe probe = probe(timeout)) {
            probe.start(probeStart, end);
            // Past the end, the slow clients stay until the probe's last request is over (within its timeout).
            SlowClientLoop.Schedule schedule = new SlowClientLoop.Schedule(end, end + timeout + PROBE_GRACE_NANOS,
                    () -> !probe.done());
            SlowLoadResult load = SlowClientLoop.run(target, count, factory, pacing, schedule, window);
            // Every slow connection is closed now: how soon is a new client served again?
            double recovery = probe.secondsUntilAnswered(RECOVERY_CAP_NANOS);
            Probe.Result seen = probe.finish(end + timeout + 2 * PROBE_GRACE_NANOS);
            ServerSampler.Maxima peaks = sampler.finish();
            server.requireAlive();
            PhaseResult result = new PhaseResult(phase, load, seen, peaks, recovery, limit,
                    (cpuNanos(server.pid()) - serverCpu) / 1e9, (cpuNanos(ProcessHandle.current().pid()) - harnessCpu) / 1e9);
            log.printf(Locale.ROOT, "%s %s: %d of %d connected, %d answered, %d dropped; probe HEAD %s ms, GET %s ms, %s;"
                            + " threads max %d%n", target.name(), phase.cliName(), load.connected(), count,
                    load.answered(), load.dropped(), SlowClientReport.latencies(seen.blobHead()),
                    SlowClientReport.latencies(seen.manifestGet()), SlowClientReport.failures(seen), peaks.threads());
            return result;
        }
    }

    /** A process's CPU time so far, user and system, from /proc through {@link ProcessHandle}. */
    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(java.time.Duration::toNanos)
                .orElseThrow(() -> new BenchmarkFailure("cannot read the CPU time of process " + pid));
    }

    private IntFunction<SlowClient> downloadClients(long tick) {
        byte[] request = HttpConnection.head(Request.of("GET", "/v2/" + REPOSITORY + "/blobs/" + blob.digest()),
                target.host(), target.port());
        return i -> new DownloadClient(request, blob, target.name(), o.downloadRate(), tick);
    }

    private IntFunction<SlowClient> uploadClients(long tick) {
        return i -> new UploadClient(target.host(), target.port(), UPLOAD_REPOSITORY, o.uploadSize(), o.uploadRate(),
                tick, target.name());
    }

    private Probe probe(long timeout) {
        Probe.Expected head = new Probe.Expected(Request.of("HEAD", "/v2/" + REPOSITORY + "/blobs/" + blob.digest()),
                blob.size(), Optional.empty());
        Probe.Expected get = new Probe.Expected(Request.of("GET", "/v2/" + REPOSITORY + "/manifests/" + TAG)
                .header("Accept", OciManifest.MEDIA_TYPE), manifest.length, Optional.of(manifest));
        return new Probe(target, head, get, o.probeRate(), timeout);
    }

    /** Fails early, with the fix, when this process cannot open the connections a phase needs. */
    static void requireFileLimit(SlowClientOptions o) {
        long needed = o.maxConnections() + 256L; // plus the JVM's own jars, pipes and the probe
        ProcStatus.openFileLimit(ProcessHandle.current().pid()).ifPresent(limit -> {
            if (limit < needed) {
                throw new BenchmarkFailure("this process may open " + limit + " files but a phase needs about " + needed
                        + " sockets; raise the limit (ulimit -n 65536; benchmarks/run-slow-clients.sh does)");
            }
        });
    }
}
