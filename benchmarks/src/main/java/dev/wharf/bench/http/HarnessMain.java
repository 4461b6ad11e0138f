package dev.wharf.bench.http;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the HTTP comparison: for each round, a disk baseline, then each target started afresh and taken
 * through every workload ({@link ServerRun}), the first target alternating between rounds. Before the first
 * round, unless {@code --warmup 0}, an uncounted round against one target warms the harness itself up
 * ({@link #warmUpHarness}). Prints the Markdown report to stdout and writes it to {@code --out}. Exit status 0
 * on success, 1 when any workload failed its checks (no table is printed for a broken run), 2 for a bad
 * command line.
 */
public final class HarnessMain {
    private HarnessMain() {
    }

    public static void main(String[] args) {
        CommandLine.main("wharf-bench", HarnessOptions.USAGE, args, HarnessOptions::parse, HarnessOptions::help,
                o -> run(o, System.out, System.err));
    }

    /**
     * Warm-up small blobs per measured one, pushed by every server run before its measured phases (and as many tags
     * created, at least). A quarter, as before 2026-12-02, left the launcher's JIT compiler mid-way: during the
     * measured 2,000-blob phase it still made 306 optimised (C2) compilations, and the launcher used 0.94 ms of CPU
     * per blob against 0.58 ms over a 10,000-blob phase. With three times as many it made 85, and the phase ran
     * 30-40 % faster in paired runs, near the 10,000-blob pace (docs/benchmarks.md). A steady state is what the
     * warm-up is for, and what the load tests measure after their warm-up seconds.
     */
    static final int WARM_SMALL_PER_MEASURED = 3;

    static int run(HarnessOptions o, PrintStream out, PrintStream log) {
        checkPrerequisites(o);
        try (TempDirs.Scratch dir = TempDirs.scratch(o.workDir(), "wharf-bench-")) {
            Path scratch = dir.path();
            List<String> header = Environment.describe(o, scratch);
            log.println("wharf-bench: preparing blobs (digests of " + HarnessOptions.human(o.blobSize()) + " blobs)...");
            BlobSet blobs = BlobSet.prepare(o, WARM_SMALL_PER_MEASURED * o.smallBlobs());
            if (o.warmupSeconds() > 0) {
                warmUpHarness(o, scratch, log);
            }
            Results results = new Results();
            for (int round = 1; round <= o.rounds(); round++) {
                String prefix = "[round " + round + "/" + o.rounds() + "]";
                DiskBaseline.settle();
                double disk = DiskBaseline.measure(scratch, o.blobSize());
                results.detail(Metric.DISK_WRITE, HarnessOptions.human(o.blobSize()) + " in " + o.workDir());
                results.add(Metric.DISK_WRITE, Results.MACHINE, disk);
                log.printf(Locale.ROOT, "%s disk baseline: %s MiB/s%n", prefix, Report.num(disk));
                List<String> order = new ArrayList<>(o.targets());
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String name : order) {
                    try (ServerProcess server = start(name, o, scratch)) {
                        log.println(prefix + " " + server.target().name() + " started on port " + server.target().port());
                        new ServerRun(o, server, results, blobs, disk, log, prefix).runAll();
                    }
                }
            }
            String report = Report.render("Wharf vs CNCF distribution: HTTP", header, results);
            Report.publish(report, o.out(), out, log, "wharf-bench");
            return 0;
        }
    }

    private static ServerProcess start(String target, HarnessOptions o, Path scratch) {
        return target.equals("wharf")
                ? ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), o.wharfArgs(), scratch)
                : ServerProcess.distribution(o.distribution(), o.distributionEnv(), scratch);
    }

    /**
     * One uncounted round of every workload ({@link HarnessOptions#forHarnessWarmUp}: smaller big blobs, shorter
     * loads) against Wharf, or the only target, started afresh and stopped after it; nothing is recorded. The
     * harness's own client shares the two cores with the server it measures, and its request paths were compiled
     * during the first round's first target: that target's small-blob pushes ran up to a third below its later
     * rounds, in four of five full runs, while the other target, second in that round, was not behind. After this
     * round the harness is in the same state for every counted round.
     */
    private static void warmUpHarness(HarnessOptions o, Path scratch, PrintStream log) {
        HarnessOptions w = o.forHarnessWarmUp();
        String target = o.targets().contains("wharf") ? "wharf" : o.targets().get(0);
        log.println("[harness warm-up] one uncounted round against " + target + ", blobs of "
                + HarnessOptions.human(w.blobSize()) + ", loads of " + w.seconds() + " s...");
        long start = System.nanoTime();
        BlobSet blobs = BlobSet.prepare(w, WARM_SMALL_PER_MEASURED * w.smallBlobs());
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        try (ServerProcess server = start(target, o, scratch)) {
            new ServerRun(w, server, new Results(), blobs, DiskBaseline.measure(scratch, w.blobSize()), quiet,
                    "[harness warm-up]").runAll();
        }
        log.printf(Locale.ROOT, "[harness warm-up] done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static void checkPrerequisites(HarnessOptions o) {
        if (o.targets().contains("wharf")) {
            ServerProcess.requireLauncherJar(o.wharfJar());
        }
        if (o.targets().contains("distribution") && !Files.isExecutable(o.distribution())) {
            throw new BenchmarkFailure("no docker-registry binary at " + o.distribution()
                    + "; install it: apt-get install -y docker-registry");
        }
    }

    /** Today's date and time, for the report. */
    static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
