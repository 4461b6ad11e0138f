package dev.wharf.bench.http;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the HTTP comparison: for each round, a disk baseline, then each target started afresh and taken
 * through every workload ({@link ServerRun}), the first target alternating between rounds. Prints the
 * Markdown report to stdout and writes it to {@code --out}. Exit status 0 on success, 1 when any workload
 * failed its checks (no table is printed for a broken run), 2 for a bad command line.
 */
public final class HarnessMain {
    private HarnessMain() {
    }

    public static void main(String[] args) {
        HarnessOptions options;
        try {
            options = HarnessOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("wharf-bench: " + e.getMessage());
            System.err.print(HarnessOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(HarnessOptions.USAGE);
            return;
        }
        int status;
        try {
            status = run(options, System.out, System.err);
        } catch (BenchmarkFailure e) {
            System.err.println("wharf-bench: FAILED: " + e.getMessage());
            status = 1;
        } catch (RuntimeException e) {
            System.err.println("wharf-bench: FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static int run(HarnessOptions o, PrintStream out, PrintStream log) {
        checkPrerequisites(o);
        Path scratch;
        try {
            Files.createDirectories(o.workDir());
            scratch = Files.createTempDirectory(o.workDir(), "wharf-bench-");
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot use work directory " + o.workDir() + ": " + e, e);
        }
        Thread cleanup = new Thread(() -> TempDirs.delete(scratch), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            List<String> header = Environment.describe(o, scratch);
            log.println("wharf-bench: preparing blobs (digests of " + HarnessOptions.human(o.blobSize()) + " blobs)...");
            BlobSet blobs = BlobSet.prepare(o);
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
                    try (ServerProcess server = name.equals("wharf")
                            ? ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), o.wharfArgs(), scratch)
                            : ServerProcess.distribution(o.distribution(), o.distributionEnv(), scratch)) {
                        log.println(prefix + " " + server.target().name() + " started on port " + server.target().port());
                        new ServerRun(o, server, results, blobs, disk, log, prefix).runAll();
                    }
                }
            }
            String report = Report.render("Wharf vs CNCF distribution: HTTP", header, results);
            out.print(report);
            out.flush();
            try {
                Path parent = o.out().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(o.out(), report, StandardCharsets.UTF_8);
                log.println("wharf-bench: results written to " + o.out());
            } catch (IOException e) {
                throw new BenchmarkFailure("cannot write " + o.out() + ": " + e, e);
            }
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

    private static void checkPrerequisites(HarnessOptions o) {
        if (o.targets().contains("wharf") && !Files.isRegularFile(o.wharfJar())) {
            throw new BenchmarkFailure("no launcher jar at " + o.wharfJar()
                    + "; build it first: mvn -B -q package -DskipTests");
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
