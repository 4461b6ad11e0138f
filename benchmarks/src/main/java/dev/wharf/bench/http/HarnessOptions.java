package dev.wharf.bench.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The harness's command line. Sizes take {@code k}, {@code m}, {@code g} suffixes (binary: KiB, MiB, GiB).
 *
 * @param wharfJar     the launcher jar
 * @param wharfJavaOptions JVM options for the launcher (default {@link #DEFAULT_WHARF_JAVA_OPTIONS})
 * @param wharfArgs    launcher flags added after the harness's own ({@code --host}, {@code --port},
 *                     {@code --data-dir}), e.g. limits under test; none by default
 * @param distribution the {@code docker-registry} binary
 * @param distributionEnv environment variables for distribution, which reads {@code REGISTRY_*} variables as
 *                     configuration overrides; none by default
 * @param wrk          the wrk binary for manifest GETs, or empty to use the Java client
 * @param targets      which registries to run, in first-round order
 * @param rounds       rounds; each starts every target afresh, first target alternating
 * @param blobSize     size of the big blob pushed and pulled
 * @param chunkSize    chunk size of the chunked push
 * @param smallBlobs   number of small blobs pushed concurrently
 * @param smallBlobSize size of each small blob
 * @param clients      concurrent clients for small blobs and tag creation
 * @param connections  connections for the manifest GET and blob HEAD load
 * @param seconds      measured seconds per load test
 * @param warmupSeconds warm-up seconds per load test (and whether the big-blob paths get a warm-up push)
 * @param tags         tags created (and walked) on one repository
 * @param repositories repositories created for the catalog walk
 * @param pageSize     n for tag and catalog walks
 * @param workDir      where servers keep their data (the disk measured) and the harness its scratch files
 * @param out          the Markdown results file
 * @param help         print usage and exit
 */
public record HarnessOptions(Path wharfJar, List<String> wharfJavaOptions, List<String> wharfArgs, Path distribution,
                             Map<String, String> distributionEnv, Optional<Path> wrk,
                             List<String> targets, int rounds, long blobSize, long chunkSize, int smallBlobs,
                             long smallBlobSize, int clients, int connections, long seconds, long warmupSeconds,
                             int tags, int repositories, int pageSize, Path workDir, Path out, boolean help) {

    /**
     * The launcher's JVM options unless {@code --wharf-java-opt} is given: the 128 MiB heap the memory goal
     * is stated for, grown from 32 MiB only as the live data needs, and the serial collector. On this
     * two-core machine the serial collector gave both a lower peak RSS and higher throughput than G1, which
     * costs about 40 MiB of native bookkeeping and competes for the cores with its concurrent threads
     * (docs/benchmarks.md). The three inlining limits make the optimising JIT compiler's work smaller: on two
     * cores it took about a quarter of the launcher's CPU in the first half minute of the benchmark, and with them
     * small-blob pushes and tag creation ran 3-17 % and 12-16 % faster in paired runs, with a peak RSS about
     * 30 MiB lower (docs/benchmarks.md, "The JIT compiler on two cores"). They are the README's small-server flags.
     */
    public static final List<String> DEFAULT_WHARF_JAVA_OPTIONS = List.of("-Xmx128m", "-Xms32m", "-XX:+UseSerialGC",
            "-XX:MaxInlineLevel=6", "-XX:FreqInlineSize=50", "-XX:InlineSmallCode=500");

    /** Where a usage text lists {@link #DEFAULT_WHARF_JAVA_OPTIONS}; see {@link #withDefaultJavaOptions}. */
    private static final String DEFAULT_OPTIONS_MARK = "{default launcher JVM options}";

    /**
     * {@code usage} with {@link #DEFAULT_WHARF_JAVA_OPTIONS} in place of its mark, wrapped at 90 columns and
     * continued in the mark's column, so that every harness's {@code --help} lists the defaults as they are.
     */
    public static String withDefaultJavaOptions(String usage) {
        int at = usage.indexOf(DEFAULT_OPTIONS_MARK);
        int column = at - (usage.lastIndexOf('\n', at) + 1);
        StringBuilder options = new StringBuilder();
        int width = column;
        for (String option : DEFAULT_WHARF_JAVA_OPTIONS) {
            if (width > column && width + 1 + option.length() > 90) {
                options.append('\n').append(" ".repeat(column));
                width = column;
            } else if (width > column) {
                options.append(' ');
                width++;
            }
            options.append(option);
            width += option.length();
        }
        return usage.replace(DEFAULT_OPTIONS_MARK, options);
    }

    /** Defaults of the rounds and of the load tests' shape, shared by the harnesses that run the same loads. */
    static final int DEFAULT_ROUNDS = 3;
    static final int DEFAULT_CONNECTIONS = 64;
    static final long DEFAULT_SECONDS = 20;
    static final long DEFAULT_WARMUP_SECONDS = 10;

    static final String USAGE = withDefaultJavaOptions("""
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.http.HarnessMain [options]

            Runs the same verified HTTP workloads against the Wharf launcher and CNCF distribution
            (docker-registry), each started afresh per round on 127.0.0.1, and prints a Markdown table
            of medians and Wharf/distribution ratios.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for the launcher, repeatable; replaces the default
                                      {default launcher JVM options}
              --wharf-arg ARG         launcher flag added after --host/--port/--data-dir, repeatable
                                      (e.g. --wharf-arg --some-limit=100)
              --distribution PATH     docker-registry binary (default: docker-registry on PATH)
              --distribution-env N=V  environment variable for docker-registry, repeatable; it reads
                                      REGISTRY_* variables as configuration overrides
              --wrk PATH|none         wrk for manifest GETs (default: wrk on PATH, else the Java client)
              --targets LIST          wharf,distribution (default both)
              --rounds N              rounds (default 3)
              --blob-size SIZE        big blob for push/pull (default 1g)
              --chunk-size SIZE       chunk of the chunked push (default 16m)
              --small-blobs N         small blobs pushed (default 2000)
              --small-blob-size SIZE  (default 4k)
              --clients N             concurrent clients for small blobs and tags (default 16)
              --connections N         connections for manifest GET and blob HEAD (default 64)
              --seconds N             measured seconds per load test (default 20)
              --warmup N              warm-up seconds per load test; 0 also skips warm-up pushes and
                                      the harness's uncounted warm-up round (default 10)
              --tags N                tags created and walked (default 10000)
              --repositories N        repositories in the catalog walk (default 1000)
              --page-size N           n of tag and catalog pages (default 100)
              --work-dir DIR          data of both servers: the disk measured (default /var/tmp)
              --out FILE              results file (default benchmarks/target/http-results.md)
              --help
            """);

    /** Parses {@code --name value} pairs; unknown or malformed options throw IllegalArgumentException. */
    public static HarnessOptions parse(String... args) {
        ServerFlags servers = new ServerFlags();
        String wrk = null;
        int rounds = DEFAULT_ROUNDS;
        long blobSize = size("1g");
        long chunkSize = size("16m");
        int smallBlobs = 2000;
        long smallBlobSize = size("4k");
        int clients = 16;
        int connections = DEFAULT_CONNECTIONS;
        long seconds = DEFAULT_SECONDS;
        long warmup = DEFAULT_WARMUP_SECONDS;
        int tags = 10_000;
        int repositories = 1000;
        int pageSize = 100;
        Path out = Path.of("benchmarks/target/http-results.md");
        CommandLine line = CommandLine.of(args);
        for (CommandLine.Option option : line.options()) {
            String name = option.name();
            String v = option.value();
            if (servers.accept(name, v)) {
                continue;
            }
            switch (name) {
                case "--wrk" -> wrk = v;
                case "--rounds" -> rounds = positive(name, v);
                case "--blob-size" -> blobSize = size(v);
                case "--chunk-size" -> chunkSize = size(v);
                case "--small-blobs" -> smallBlobs = positive(name, v);
                case "--small-blob-size" -> smallBlobSize = size(v);
                case "--clients" -> clients = positive(name, v);
                case "--connections" -> connections = positive(name, v);
                case "--seconds" -> seconds = positive(name, v);
                case "--warmup" -> warmup = nonNegative(name, v);
                case "--tags" -> tags = positive(name, v);
                case "--repositories" -> repositories = positive(name, v);
                case "--page-size" -> pageSize = positive(name, v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (chunkSize > blobSize) {
            throw new IllegalArgumentException("--chunk-size is larger than --blob-size");
        }
        if (smallBlobSize > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("--small-blob-size is at most 64m");
        }
        return new HarnessOptions(servers.wharfJar(), servers.wharfJavaOptions(), servers.wharfArgs(),
                servers.distribution(), servers.distributionEnv(), wrk(wrk), servers.targets(), rounds,
                blobSize, chunkSize, smallBlobs, smallBlobSize, clients, connections, seconds, warmup, tags,
                repositories, pageSize, servers.workDir(), out, line.help());
    }

    /** {@code 4096}, {@code 4k}, {@code 16m}, {@code 1g} (binary multiples). */
    public static long size(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> unit = 1024L;
                case 'm' -> unit = 1024L * 1024;
                case 'g' -> unit = 1024L * 1024 * 1024;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + v + "' (e.g. 4k, 16m, 1g)");
        }
    }

    /** A size for humans: {@code 1 GiB}, {@code 16 MiB}, {@code 4 KiB}, {@code 1000 B}. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        int u = 0;
        double v = bytes;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return (long) v + " " + units[u];
    }

    /** Adds {@code NAME=VALUE} to {@code env}; a missing or empty name throws IllegalArgumentException. */
    public static void environmentVariable(Map<String, String> env, String v) {
        int equals = v.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--distribution-env needs NAME=VALUE, got '" + v + "'");
        }
        env.put(v.substring(0, equals), v.substring(equals + 1));
    }

    /** {@code wharf,distribution} in the order given, without repeats. */
    public static List<String> targets(String v) {
        List<String> out = new ArrayList<>();
        for (String t : v.split(",")) {
            String name = t.trim().toLowerCase(Locale.ROOT);
            if (!name.equals("wharf") && !name.equals("distribution")) {
                throw new IllegalArgumentException("unknown target '" + t + "': wharf or distribution");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--targets names no target");
        }
        return List.copyOf(out);
    }

    /** A positive integer given for option {@code name}. */
    public static int positive(String name, String v) {
        int n = nonNegative(name, v);
        if (n == 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return n;
    }

    /** A non-negative integer given for option {@code name}. */
    public static int nonNegative(String name, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a non-negative integer, got '" + v + "'");
        }
    }

    /** The biggest blob of the harness's warm-up round ({@link #forHarnessWarmUp}). */
    static final long HARNESS_WARM_UP_BLOB = 64L * 1024 * 1024;

    /**
     * These options for the harness's uncounted warm-up round (see {@link HarnessMain}): one round, big blobs of at
     * most {@value #HARNESS_WARM_UP_BLOB} bytes, loads of at most 2 s after at most 1 s of warm-up; every count
     * (small blobs, clients, connections, tags, repositories) and everything else as given.
     */
    HarnessOptions forHarnessWarmUp() {
        long blob = Math.min(blobSize, HARNESS_WARM_UP_BLOB);
        return new HarnessOptions(wharfJar, wharfJavaOptions, wharfArgs, distribution, distributionEnv, wrk, targets, 1,
                blob, Math.min(chunkSize, blob), smallBlobs, smallBlobSize, clients, connections, Math.min(seconds, 2),
                Math.min(warmupSeconds, 1), tags, repositories, pageSize, workDir, out, help);
    }

    /** The wrk of {@code --wrk}: the path given, none for {@code none}, else wrk on the {@code PATH} if there is one. */
    static Optional<Path> wrk(String given) {
        if (given == null) {
            return onPath("wrk");
        }
        return given.equals("none") ? Optional.empty() : Optional.of(Path.of(given));
    }

    /** The first executable {@code program} in a directory of {@code PATH}. */
    public static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
