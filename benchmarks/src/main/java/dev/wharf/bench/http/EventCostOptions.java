package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The webhook-cost command line: the HTTP harness's options that shape the launcher and the two push
 * workloads, with the same names; the rest of {@link HarnessOptions} is fixed (Wharf only, small warm-up blobs).
 * The harness sets the webhook flags itself, so {@code --wharf-arg} may not name one.
 *
 * @param harness the options the workloads read
 * @param batch   events per webhook request at most
 * @param kept    start the two launchers once and alternate between them round by round ({@code --launchers kept})
 *                instead of starting each afresh for every round
 * @param help    print usage and exit
 */
record EventCostOptions(HarnessOptions harness, int batch, boolean kept, boolean help) {

    /** {@code --launchers}: one pair started afresh for every round. */
    static final String FRESH = "fresh";
    /** {@code --launchers}: one pair started once and kept for every round. */
    static final String KEPT = "kept";

    /** Launcher flags the harness sets for the run with a webhook. */
    static final Set<String> WEBHOOK_FLAGS = Set.of("--webhook", "--webhook-secret", "--config");
    /** The options passed on to {@link HarnessOptions#parse}. */
    static final Set<String> PASSED_ON = Set.of("--wharf-jar", "--wharf-java-opt", "--wharf-arg", "--rounds",
            "--small-blobs", "--small-blob-size", "--clients", "--tags", "--warmup", "--work-dir", "--out");

    static final String USAGE = HarnessOptions.withDefaultJavaOptions("""
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.http.EventCostMain [options]

            Measures what one healthy webhook costs the pushes it reports: the launcher without a
            webhook and with --webhook to a receiver in this JVM (answering 204, checking every
            signature), started afresh for each, the order alternating, several rounds; each runs
            small-blob pushes and tag creation, and the run with the webhook waits until every
            upload and tag was reported. Prints a Markdown table of medians and ratios.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for the launcher, repeatable; replaces the default
                                      {default launcher JVM options}
              --wharf-arg ARG         launcher flag, repeatable (not --webhook, --webhook-secret
                                      or --config: the harness sets those)
              --rounds N              rounds (default 5)
              --small-blobs N         small blobs pushed (default 2000)
              --small-blob-size SIZE  (default 4k)
              --clients N             concurrent clients (default 16)
              --tags N                tags created (default 2000)
              --warmup N              passes of the harness's warm-up pushes before the measured
                                      ones (each small-blobs/4 blob pushes and as many tag PUTs);
                                      0 skips them (default 1); about 10 lets the JIT compilers
                                      finish the push and delivery paths first (steady state)
              --batch N               events per request at most (the webhook's batch setting,
                                      through a configuration file; default 1: --webhook)
              --launchers MODE        fresh: both launchers started afresh in every round (default);
                                      kept: both started once and warmed, then every round pushes
                                      new blobs and tags into each in turn, the webhook's backlog
                                      delivered before the next push, so each round is a pair
                                      measured back to back on two warmed launchers
              --work-dir DIR          the launcher's data (default /var/tmp)
              --out FILE              results file (default benchmarks/target/events-results.md)
              --help
            """);

    /** Parses {@code --name value} pairs; unknown or malformed options throw IllegalArgumentException. */
    static EventCostOptions parse(String... args) {
        List<String> harness = new ArrayList<>(List.of("--targets", "wharf", "--blob-size", "1m", "--chunk-size",
                "256k", "--rounds", "5", "--tags", "2000", "--warmup", "1", "--out",
                "benchmarks/target/events-results.md"));
        CommandLine line = CommandLine.of(args);
        int batch = 1;
        boolean kept = false;
        for (CommandLine.Option option : line.options()) {
            String name = option.name();
            if (name.equals("--batch")) {
                batch = HarnessOptions.positive(name, option.value());
                continue;
            }
            if (name.equals("--launchers")) {
                kept = switch (option.value()) {
                    case FRESH -> false;
                    case KEPT -> true;
                    default -> throw new IllegalArgumentException("--launchers " + option.value()
                            + ": expected " + FRESH + " or " + KEPT);
                };
                continue;
            }
            if (!PASSED_ON.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (name.equals("--wharf-arg") && WEBHOOK_FLAGS.contains(option.value().split("=", 2)[0])) {
                throw new IllegalArgumentException("--wharf-arg " + option.value() + ": the harness sets the webhook");
            }
            harness.add(name);
            harness.add(option.value());
        }
        return new EventCostOptions(HarnessOptions.parse(harness.toArray(String[]::new)), batch, kept, line.help());
    }
}
