package dev.wharf.bench.slow;

import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.Environment;
import dev.wharf.bench.http.HarnessOptions;
import dev.wharf.bench.http.OciManifest;
import dev.wharf.bench.http.PatternBlob;
import dev.wharf.bench.http.ProcStatus;
import dev.wharf.bench.http.RegistryClient;
import dev.wharf.bench.http.ServerProcess;
import dev.wharf.bench.http.TempDirs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the slow-client comparison: for each phase, each target started afresh, the content pushed and the
 * phase run ({@link SlowClientRun}); prints the Markdown report ({@link SlowClientReport}) and writes it to
 * {@code --out}. Exit status 0 on success, 1 when a run failed its checks or overran its hard deadline, 2 for
 * a bad command line.
 *
 * <p>Never hangs: every phase ends at its deadline, every probe request at its timeout, and a watchdog
 * ends the whole run, servers included (through the shutdown hooks that stop them), if it overruns the
 * sum of those deadlines.
 */
public final class SlowClientMain {
    /** The blob's seed: its content is the same on every run and for both servers. */
    private static final long BLOB_SEED = 16;
    /**
     * Per server and phase beyond the phase's length, generously: a start (up to a minute), the push, the
     * probe's grace, the recovery cap and the stop.
     */
    private static final long PER_RUN_SECONDS = 300;

    private SlowClientMain() {
    }

    /** The command: see {@link SlowClientOptions#USAGE}. */
    public static void main(String[] args) {
        SlowClientOptions options;
        try {
            options = SlowClientOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("wharf-slow: " + e.getMessage());
            System.err.print(SlowClientOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(SlowClientOptions.USAGE);
            return;
        }
        int status;
        Thread watchdog = watchdog(hardDeadlineSeconds(options));
        try {
            status = run(options, System.out, System.err);
        } catch (BenchmarkFailure e) {
            System.err.println("wharf-slow: FAILED: " + e.getMessage());
            status = 1;
        } catch (IOException | RuntimeException e) {
            System.err.println("wharf-slow: FAILED: " + e);
            e.printStackTrace();
            status = 1;
        } catch (InterruptedException e) {
            System.err.println("wharf-slow: interrupted");
            status = 1;
        }
        watchdog.interrupt();
        System.exit(status);
    }

    /** The most a run with these options may take before the watchdog ends it. */
    static long hardDeadlineSeconds(SlowClientOptions o) {
        long perRun = PER_RUN_SECONDS + o.seconds() + TimeUnit.MILLISECONDS.toSeconds(o.probeTimeoutMillis());
        return 120 + o.targets().size() * o.phases().size() * perRun;
    }

    private static Thread watchdog(long seconds) {
        Thread t = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(seconds);
            } catch (InterruptedException e) {
                return; // the run ended in time
            }
            System.err.println("wharf-slow: FAILED: the run overran its hard deadline of " + seconds + " s; stopping");
            System.exit(1); // the shutdown hooks stop the servers and delete their data
        }, "slow-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static int run(SlowClientOptions o, PrintStream out, PrintStream log) throws IOException, InterruptedException {
        checkPrerequisites(o);
        SlowClientRun.requireFileLimit(o);
        Files.createDirectories(o.workDir());
        Path scratch = Files.createTempDirectory(o.workDir(), "wharf-slow-");
        Thread cleanup = new Thread(() -> TempDirs.delete(scratch), "slow-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            log.println("wharf-slow: preparing the " + HarnessOptions.human(o.blobSize()) + " blob...");
            PatternBlob blob = new PatternBlob(o.blobSize(), BLOB_SEED);
            byte[] config = OciManifest.config();
            byte[] manifest = OciManifest.of(RegistryClient.sha256(config), config.length, List.of(blob));
            List<String> header = header(o, scratch);
            Map<String, List<PhaseResult>> results = new LinkedHashMap<>();
            for (SlowClientOptions.Phase phase : o.phases()) {
                for (String name : o.targets()) {
                    try (ServerProcess server = name.equals("wharf")
                            ? ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), o.wharfArgs(), scratch)
                            : ServerProcess.distribution(o.distribution(), o.distributionEnv(), scratch)) {
                        log.println("wharf-slow: " + server.target().name() + " started on port "
                                + server.target().port() + " (pid " + server.pid() + ")");
                        SlowClientRun run = new SlowClientRun(o, server, blob, manifest, log);
                        run.push();
                        results.computeIfAbsent(server.target().name(), n -> new ArrayList<>()).add(run.phase(phase));
                    }
                }
            }
            String report = SlowClientReport.render("Wharf vs CNCF distribution: slow clients", header, o.phases(),
                    results, o.probeTimeoutMillis());
            out.print(report);
            out.flush();
            Path parent = o.out().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(o.out(), report, StandardCharsets.UTF_8);
            log.println("wharf-slow: results written to " + o.out());
            return 0;
        } finally {
            TempDirs.delete(scratch);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static void checkPrerequisites(SlowClientOptions o) {
        if (o.targets().contains("wharf") && !Files.isRegularFile(o.wharfJar())) {
            throw new BenchmarkFailure("no launcher jar at " + o.wharfJar()
                    + "; build it first: mvn -B -q package -DskipTests");
        }
        if (o.targets().contains("distribution") && !Files.isExecutable(o.distribution())) {
            throw new BenchmarkFailure("no docker-registry binary at " + o.distribution()
                    + "; install it: apt-get install -y docker-registry");
        }
    }

    /** What a reader needs to judge the numbers: when, where, which versions, which settings. */
    static List<String> header(SlowClientOptions o, Path scratch) {
        List<String> lines = new ArrayList<>();
        lines.add("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        lines.add("machine: " + Environment.machine());
        lines.add(Environment.java() + " for the harness and the launcher; harness open-file limit "
                + ProcStatus.openFileLimit(ProcessHandle.current().pid()).stream().mapToObj(Long::toString)
                .findFirst().orElse("unlimited"));
        if (o.targets().contains("wharf")) {
            lines.add("Wharf: " + o.wharfJar() + ", JVM options " + String.join(" ", o.wharfJavaOptions())
                    + ", launcher flags " + (o.wharfArgs().isEmpty() ? "none beyond --host, --port, --data-dir"
                    : String.join(" ", o.wharfArgs())));
        }
        if (o.targets().contains("distribution")) {
            lines.add("distribution: " + Environment.distributionVersion(o.distribution())
                    + ", filesystem storage, blobdescriptor cache inmemory"
                    + (o.distributionEnv().isEmpty() ? "" : ", environment " + o.distributionEnv().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "))));
        }
        lines.add("data: " + Environment.filesystem(scratch));
        long tick = o.tickMillis();
        for (SlowClientOptions.Phase phase : o.phases()) {
            if (phase == SlowClientOptions.Phase.DOWNLOADS) {
                lines.add(String.format(Locale.ROOT, "slow downloads: %d clients, each GET of one %s blob read at %s "
                                + "(at most %d bytes per %d ms tick), SO_RCVBUF %s, all on one selector thread, "
                                + "connecting at %d/s, for %d s; offered %s/s in all", o.clients(),
                        HarnessOptions.human(o.blobSize()), SlowClientReport.rate(o.downloadRate()),
                        ByteBudget.perTick(o.downloadRate(), TimeUnit.MILLISECONDS.toNanos(tick)), tick,
                        HarnessOptions.human(o.receiveBuffer()), SlowClientLoop.CONNECTS_PER_SECOND, o.seconds(),
                        SlowClientReport.amount(o.clients() * o.downloadRate())));
            } else {
                lines.add(String.format(Locale.ROOT, "trickling uploads: %d clients, each POST for a session, then a "
                                + "PATCH declaring %s whose body is sent at %s, for %d s", o.uploads(),
                        HarnessOptions.human(o.uploadSize()), SlowClientReport.rate(o.uploadRate()), o.seconds()));
            }
        }
        lines.add(String.format(Locale.ROOT, "probe: one thread, a new connection per request (Connection: close), "
                        + "blob HEAD and manifest GET by tag alternating at %s/s from %s after the last slow client "
                        + "connected, timeout %d ms", dev.wharf.bench.http.Report.num(o.probeRate()),
                SlowClientReport.seconds(SlowClientRun.PROBE_SETTLE_NANOS / 1e9), o.probeTimeoutMillis()));
        return lines;
    }
}
