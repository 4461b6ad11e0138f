package dev.wharf.bench.http;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scaling run's command line: the launcher, its JVM options and the flags that put every node on the same
 * shared stores (as in {@link HarnessOptions}), how many nodes, the read loads' shape, and the processes whose
 * CPU time the report breaks down (the database, the object store).
 *
 * @param wharfJar         the launcher jar
 * @param wharfJavaOptions JVM options for every node (default {@link HarnessOptions#DEFAULT_WHARF_JAVA_OPTIONS})
 * @param wharfArgs        launcher flags of every node: they must name shared stores ({@code --metadata},
 *                         {@code --blobs}), or the nodes would not serve the same content
 * @param nodes            the most nodes; the run measures 1, 2, … up to this many
 * @param loads            the manifest GET and blob HEAD loads (always the Java client: wrk loads one server)
 * @param rounds           rounds; each measures every node count, the order rotating
 * @param watched          processes to account CPU time to, by label; each counts with its descendants
 * @param workDir          where each node keeps its data directory
 * @param out              the Markdown results file
 * @param help             print usage and exit
 */
record ScalingOptions(Path wharfJar, List<String> wharfJavaOptions, List<String> wharfArgs, int nodes, ReadLoads loads,
                      int rounds, Map<String, Long> watched, Path workDir, Path out, boolean help) {

    static final int DEFAULT_NODES = 3;

    static final String USAGE = HarnessOptions.withDefaultJavaOptions("""
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.http.ScalingMain [options]

            Starts several Wharf launchers over the same shared stores (their flags from --wharf-arg),
            pushes one image through the first, and measures manifest GET by tag and blob HEAD with
            1, 2, ... N nodes behind a round-robin client (connection i goes to node i mod n), several
            rounds, with the CPU time each part of the machine used; prints a Markdown table of medians.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for every node, repeatable; replaces the default
                                      {default launcher JVM options}
              --wharf-arg ARG         launcher flag of every node, repeatable; must include shared
                                      stores, e.g. --metadata=jdbc:postgresql://... --blobs=s3://...
              --nodes N               the most nodes (default 3)
              --rounds N              rounds (default 3)
              --connections N         connections in all, spread over the nodes (default 64)
              --seconds N             measured seconds per load (default 20)
              --warmup N              warm-up seconds per load (default 10)
              --watch LABEL=PID       account the CPU time of PID and its descendants to LABEL, repeatable
              --work-dir DIR          the nodes' data directories (default /var/tmp)
              --out FILE              results file (default benchmarks/target/scaling-results.md)
              --help
            """);

    ScalingOptions {
        wharfJavaOptions = List.copyOf(wharfJavaOptions);
        wharfArgs = List.copyOf(wharfArgs);
        watched = Collections.unmodifiableMap(new LinkedHashMap<>(watched));
    }

    /** Parses {@code --name value} pairs; unknown or malformed options throw IllegalArgumentException. */
    static ScalingOptions parse(String... args) {
        ServerFlags servers = new ServerFlags();
        int nodes = DEFAULT_NODES;
        int rounds = HarnessOptions.DEFAULT_ROUNDS;
        int connections = HarnessOptions.DEFAULT_CONNECTIONS;
        long seconds = HarnessOptions.DEFAULT_SECONDS;
        long warmup = HarnessOptions.DEFAULT_WARMUP_SECONDS;
        Map<String, Long> watched = new LinkedHashMap<>();
        Path out = Path.of("benchmarks/target/scaling-results.md");
        CommandLine line = CommandLine.of(args);
        for (CommandLine.Option option : line.options()) {
            String name = option.name();
            String v = option.value();
            switch (name) {
                case "--wharf-jar", "--wharf-java-opt", "--wharf-arg", "--work-dir" -> servers.accept(name, v);
                case "--nodes" -> nodes = HarnessOptions.positive(name, v);
                case "--rounds" -> rounds = HarnessOptions.positive(name, v);
                case "--connections" -> connections = HarnessOptions.positive(name, v);
                case "--seconds" -> seconds = HarnessOptions.positive(name, v);
                case "--warmup" -> warmup = HarnessOptions.nonNegative(name, v);
                case "--watch" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--watch " + v + ": expected LABEL=PID");
                    }
                    watched.put(v.substring(0, eq), (long) HarnessOptions.positive(name, v.substring(eq + 1)));
                }
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (connections < nodes) {
            throw new IllegalArgumentException("--connections " + connections + " leaves some of the " + nodes
                    + " nodes without a connection");
        }
        ReadLoads loads = new ReadLoads(Optional.empty(), connections, warmup, seconds);
        return new ScalingOptions(servers.wharfJar(), servers.wharfJavaOptions(), servers.wharfArgs(), nodes, loads,
                rounds, watched, servers.workDir(), out, line.help());
    }
}
