package dev.wharf.bench.slow;

import dev.wharf.bench.http.CommandLine;
import dev.wharf.bench.http.HarnessOptions;
import dev.wharf.bench.http.ServerFlags;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The slow-client harness's command line. Sizes and rates take {@code k}, {@code m}, {@code g} suffixes
 * (binary: KiB, MiB, GiB; a rate is bytes per second per client).
 *
 * @param wharfJar          the launcher jar
 * @param wharfJavaOptions  JVM options for the launcher (default {@link HarnessOptions#DEFAULT_WHARF_JAVA_OPTIONS})
 * @param wharfArgs         launcher flags added after the harness's own, e.g. limits under test
 * @param distribution      the {@code docker-registry} binary
 * @param distributionEnv   environment variables for distribution ({@code REGISTRY_*} configuration overrides)
 * @param targets           which registries to run, in order
 * @param phases            which phases to run, in order
 * @param clients           slow downloads
 * @param downloadRate      bytes per second each download reads
 * @param blobSize          the blob the downloads GET
 * @param receiveBuffer     SO_RCVBUF of each download connection
 * @param uploads           trickling uploads
 * @param uploadRate        bytes per second each upload's PATCH body is sent at
 * @param uploadSize        the PATCH's declared length
 * @param seconds           how long each phase runs
 * @param tickMillis        the slow clients' tick
 * @param probeRate         probe requests per second, HEAD and GET together
 * @param probeTimeoutMillis the hard limit of each probe request; a failure counts at this latency
 * @param workDir           where servers keep their data
 * @param out               the Markdown results file
 * @param help              print usage and exit
 */
public record SlowClientOptions(Path wharfJar, List<String> wharfJavaOptions, List<String> wharfArgs, Path distribution,
                                Map<String, String> distributionEnv, List<String> targets, List<Phase> phases,
                                int clients, long downloadRate, long blobSize, long receiveBuffer, int uploads,
                                long uploadRate, long uploadSize, long seconds, long tickMillis, double probeRate,
                                long probeTimeoutMillis, Path workDir, Path out, boolean help) {

    /** The two ways of being slow. */
    public enum Phase {
        /** Many clients each reading one blob slowly. */
        DOWNLOADS,
        /** Many clients each sending a PATCH body slowly. */
        UPLOADS;

        /** The name on the command line and in the report. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** More connections than this would run out of the 28,000 or so local ports of one address pair. */
    static final int MAX_CONNECTIONS = 20_000;

    static final String USAGE = HarnessOptions.withDefaultJavaOptions("""
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.slow.SlowClientMain [options]

            Starts the Wharf launcher and CNCF distribution (docker-registry) one after the other on
            127.0.0.1 and holds each with many slow clients while a probe measures how a new client
            is served: slow downloads (GET one blob, read at a fixed rate), then trickling uploads
            (POST a session, PATCH a body a few bytes a second). Prints a Markdown table per phase.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for the launcher, repeatable; replaces the default
                                      {default launcher JVM options}
              --wharf-arg ARG         launcher flag added after --host/--port/--data-dir, repeatable
                                      (e.g. --wharf-arg --some-limit=100)
              --distribution PATH     docker-registry binary (default: docker-registry on PATH)
              --distribution-env N=V  environment variable for docker-registry, repeatable; it reads
                                      REGISTRY_* variables as configuration overrides
              --targets LIST          wharf,distribution (default both, in that order)
              --phases LIST           downloads,uploads (default both)
              --clients N             slow downloads (default 1000)
              --rate RATE             bytes/s each download reads (default 256k)
              --blob-size SIZE        the blob they download (default 64m)
              --receive-buffer SIZE   SO_RCVBUF of each download connection (default 32k)
              --uploads N             trickling uploads (default 300)
              --upload-rate RATE      bytes/s of each upload's PATCH body (default 4)
              --upload-size SIZE      the PATCH's Content-Length (default 1m)
              --seconds N             length of each phase (default 30)
              --tick-ms N             the slow clients' tick (default 50)
              --probe-rate R          probe requests/s, blob HEAD and manifest GET alternating (default 10)
              --probe-timeout S       seconds a probe request may take; a failure counts at this (default 5)
              --work-dir DIR          where the servers keep their data (default /var/tmp)
              --out FILE              results file (default benchmarks/target/slow-clients.md)
              --help

            Smoke run, about a minute:  --clients 100 --uploads 50 --seconds 10
            Needs an open-file limit above the number of connections (ulimit -n 65536).
            """);

    /** Parses {@code --name value} pairs; unknown or malformed options throw IllegalArgumentException. */
    public static SlowClientOptions parse(String... args) {
        ServerFlags servers = new ServerFlags();
        List<Phase> phases = List.of(Phase.DOWNLOADS, Phase.UPLOADS);
        int clients = 1000;
        long rate = HarnessOptions.size("256k");
        long blobSize = HarnessOptions.size("64m");
        long receiveBuffer = HarnessOptions.size("32k");
        int uploads = 300;
        long uploadRate = 4;
        long uploadSize = HarnessOptions.size("1m");
        long seconds = 30;
        long tickMillis = 50;
        double probeRate = 10;
        long probeTimeoutMillis = 5000;
        Path out = Path.of("benchmarks/target/slow-clients.md");
        CommandLine line = CommandLine.of(args);
        for (CommandLine.Option option : line.options()) {
            String name = option.name();
            String v = option.value();
            if (servers.accept(name, v)) {
                continue;
            }
            switch (name) {
                case "--phases" -> phases = phases(v);
                case "--clients" -> clients = HarnessOptions.positive(name, v);
                case "--rate" -> rate = HarnessOptions.size(v);
                case "--blob-size" -> blobSize = HarnessOptions.size(v);
                case "--receive-buffer" -> receiveBuffer = HarnessOptions.size(v);
                case "--uploads" -> uploads = HarnessOptions.positive(name, v);
                case "--upload-rate" -> uploadRate = HarnessOptions.size(v);
                case "--upload-size" -> uploadSize = HarnessOptions.size(v);
                case "--seconds" -> seconds = HarnessOptions.positive(name, v);
                case "--tick-ms" -> tickMillis = HarnessOptions.positive(name, v);
                case "--probe-rate" -> probeRate = positiveNumber(name, v);
                case "--probe-timeout" -> probeTimeoutMillis = Math.round(positiveNumber(name, v) * 1000);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (tickMillis > 1000) {
            throw new IllegalArgumentException("--tick-ms is at most 1000");
        }
        if (rate > ByteBudget.MAX_RATE || uploadRate > ByteBudget.MAX_RATE) {
            throw new IllegalArgumentException("--rate and --upload-rate are at most 4g");
        }
        if (receiveBuffer > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--receive-buffer is at most 1g");
        }
        if (probeRate > 1000) {
            throw new IllegalArgumentException("--probe-rate is at most 1000");
        }
        if (probeTimeoutMillis < 100 || probeTimeoutMillis > 120_000) {
            throw new IllegalArgumentException("--probe-timeout is 0.1 to 120 seconds");
        }
        if (clients > MAX_CONNECTIONS || uploads > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("--clients and --uploads are at most " + MAX_CONNECTIONS);
        }
        return new SlowClientOptions(servers.wharfJar(), servers.wharfJavaOptions(), servers.wharfArgs(),
                servers.distribution(), servers.distributionEnv(), servers.targets(), phases, clients, rate, blobSize, receiveBuffer, uploads,
                uploadRate, uploadSize, seconds, tickMillis, probeRate, probeTimeoutMillis, servers.workDir(), out, line.help());
    }

    /** The connections a phase opens, the most the harness needs file descriptors for at once. */
    int maxConnections() {
        int most = 0;
        for (Phase p : phases) {
            most = Math.max(most, p == Phase.DOWNLOADS ? clients : uploads);
        }
        return most;
    }

    private static List<Phase> phases(String v) {
        List<Phase> out = new ArrayList<>();
        for (String p : v.split(",")) {
            String name = p.trim().toLowerCase(Locale.ROOT);
            Phase phase = switch (name) {
                case "downloads" -> Phase.DOWNLOADS;
                case "uploads" -> Phase.UPLOADS;
                default -> throw new IllegalArgumentException("unknown phase '" + p + "': downloads or uploads");
            };
            if (!out.contains(phase)) {
                out.add(phase);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--phases names no phase");
        }
        return List.copyOf(out);
    }

    private static double positiveNumber(String name, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a positive number, got '" + v + "'");
        }
    }
}
