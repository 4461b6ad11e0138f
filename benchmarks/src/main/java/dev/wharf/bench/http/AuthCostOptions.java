package dev.wharf.bench.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The authentication-cost command line: the launcher and its JVM options as in {@link HarnessOptions}, and the
 * read loads' shape (connections, seconds, warm-up, wrk) with the same names and defaults. The harness sets the
 * login flags itself, so {@code --wharf-arg} may not name one.
 *
 * @param wharfJar         the launcher jar
 * @param wharfJavaOptions JVM options for the launcher (default {@link HarnessOptions#DEFAULT_WHARF_JAVA_OPTIONS})
 * @param wharfArgs        launcher flags added after the harness's own; none by default
 * @param loads            the manifest GET and blob HEAD loads: wrk, connections, warm-up and measured seconds
 * @param rounds           rounds; each starts the launcher afresh once per login, in rotating order
 * @param workDir          where the launcher keeps its data and the harness its scratch files
 * @param out              the Markdown results file
 * @param help             print usage and exit
 */
record AuthCostOptions(Path wharfJar, List<String> wharfJavaOptions, List<String> wharfArgs, ReadLoads loads, int rounds,
                       Path workDir, Path out, boolean help) {

    /** Launcher flags the harness sets for each login; given again they would change what is measured. */
    static final Set<String> LOGIN_FLAGS = Set.of("--htpasswd", "--token-auth", "--anonymous-pull", "--access");

    static final String USAGE = HarnessOptions.withDefaultJavaOptions("""
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.http.AuthCostMain [options]

            Measures what a login costs the Wharf launcher: manifest GET by tag and blob HEAD on
            127.0.0.1, with no login, with Basic credentials (--htpasswd) and with the token flow
            (--htpasswd --token-auth), the launcher started afresh for each, several rounds, and
            prints a Markdown table of medians and ratios to the anonymous throughput.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for the launcher, repeatable; replaces the default
                                      {default launcher JVM options}
              --wharf-arg ARG         launcher flag added after --host/--port/--data-dir and the
                                      login flags, repeatable (not --htpasswd, --token-auth,
                                      --anonymous-pull or --access: the harness sets those)
              --wrk PATH|none         wrk for manifest GETs (default: wrk on PATH, else the Java client)
              --rounds N              rounds (default 3)
              --connections N         connections for manifest GET and blob HEAD (default 64)
              --seconds N             measured seconds per load test (default 20)
              --warmup N              warm-up seconds per load test (default 10)
              --work-dir DIR          the launcher's data (default /var/tmp)
              --out FILE              results file (default benchmarks/target/auth-results.md)
              --help

            Smoke run, about a minute:  --rounds 1 --seconds 3 --warmup 1
            """);

    AuthCostOptions {
        wharfJavaOptions = List.copyOf(wharfJavaOptions);
        wharfArgs = List.copyOf(wharfArgs);
    }

    /** Parses {@code --name value} pairs; unknown or malformed options throw IllegalArgumentException. */
    static AuthCostOptions parse(String... args) {
        ServerFlags servers = new ServerFlags();
        String wrk = null;
        int rounds = HarnessOptions.DEFAULT_ROUNDS;
        int connections = HarnessOptions.DEFAULT_CONNECTIONS;
        long seconds = HarnessOptions.DEFAULT_SECONDS;
        long warmup = HarnessOptions.DEFAULT_WARMUP_SECONDS;
        Path out = Path.of("benchmarks/target/auth-results.md");
        CommandLine line = CommandLine.of(args);
        for (CommandLine.Option option : line.options()) {
            String name = option.name();
            String v = option.value();
            switch (name) { // the server flags one by one: distribution's have no place here
                case "--wharf-jar", "--wharf-java-opt", "--work-dir" -> servers.accept(name, v);
                case "--wharf-arg" -> {
                    if (LOGIN_FLAGS.contains(v.split("=", 2)[0])) {
                        throw new IllegalArgumentException("--wharf-arg " + v + ": the harness sets the login flags");
                    }
                    servers.accept(name, v);
                }
                case "--wrk" -> wrk = v;
                case "--rounds" -> rounds = HarnessOptions.positive(name, v);
                case "--connections" -> connections = HarnessOptions.positive(name, v);
                case "--seconds" -> seconds = HarnessOptions.positive(name, v);
                case "--warmup" -> warmup = HarnessOptions.nonNegative(name, v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        ReadLoads loads = new ReadLoads(HarnessOptions.wrk(wrk), connections, warmup, seconds);
        return new AuthCostOptions(servers.wharfJar(), servers.wharfJavaOptions(), servers.wharfArgs(), loads, rounds,
                servers.workDir(), out, line.help());
    }

    /** How long one login's two loads take, warm-ups included: what a token fetched before them must outlive. */
    long loadSeconds() {
        return 2 * (loads.warmupSeconds() + loads.seconds());
    }
}
