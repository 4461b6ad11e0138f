package dev.wharf.bench.http;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures a pull through a pull-through mirror: one launcher as the upstream, one started with
 * {@code --upstream} in front of it. A pull is the manifest by tag and then every blob, one after another, each
 * checked byte for byte. Every round pushes a new image upstream, then pulls it straight from the upstream (the
 * peer of the cold pull: the upstream's first read of it), through the mirror for the first time (cold: everything
 * fetched from the upstream while it is served), then warm pulls through the mirror and from the upstream,
 * alternating. A first round warms both JVMs and is not counted. Prints medians and the ratios of each mirror
 * pull to its peer, and writes them to {@code --out}.
 */
public final class MirrorPullMain {
    static final String SOURCE_HOST = "upstream.bench";
    static final String REPOSITORY = "bench/image";
    static final String TAG = "v1";

    static final String USAGE = HarnessOptions.withDefaultJavaOptions("""
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.http.MirrorPullMain [options]

            Measures pulls through a Wharf launcher run as a pull-through mirror (--upstream) of
            another Wharf launcher on 127.0.0.1: the cold pull of a new image (everything fetched
            from the upstream while it is served) against a pull straight from the upstream, and
            warm pulls (everything already mirrored) against the same; a new image each round,
            after an uncounted warm-up round. Prints medians and ratios as Markdown.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for both launchers, repeatable; replaces the default
                                      {default launcher JVM options}
              --rounds N              rounds, each with a new image (default 5)
              --layers N              layers of the image (default 4)
              --layer-mib N           size of each layer in MiB (default 16)
              --warm-pulls N          warm pulls of each kind per round (default 5)
              --work-dir DIR          the launchers' data (default /var/tmp)
              --out FILE              results file (default benchmarks/target/mirror-results.md)
              --help

            Smoke run, under a minute:  --rounds 1 --layer-mib 1 --warm-pulls 2
            """);

    /** The command line. */
    record Options(Path wharfJar, List<String> wharfJavaOptions, int rounds, int layers, int layerMib, int warmPulls,
                   Path workDir, Path out, boolean help) {

        static Options parse(String... args) {
            ServerFlags servers = new ServerFlags();
            int rounds = 5;
            int layers = 4;
            int layerMib = 16;
            int warmPulls = 5;
            Path out = Path.of("benchmarks/target/mirror-results.md");
            CommandLine line = CommandLine.of(args);
            for (CommandLine.Option option : line.options()) {
                String name = option.name();
                String v = option.value();
                switch (name) {
                    case "--wharf-jar", "--wharf-java-opt", "--work-dir" -> servers.accept(name, v);
                    case "--rounds" -> rounds = HarnessOptions.positive(name, v);
                    case "--layers" -> layers = HarnessOptions.positive(name, v);
                    case "--layer-mib" -> layerMib = HarnessOptions.positive(name, v);
                    case "--warm-pulls" -> warmPulls = HarnessOptions.positive(name, v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            return new Options(servers.wharfJar(), servers.wharfJavaOptions(), rounds, layers, layerMib, warmPulls,
                    servers.workDir(), out, line.help());
        }
    }

    private MirrorPullMain() {
    }

    public static void main(String[] args) {
        CommandLine.main("wharf-mirror", USAGE, args, Options::parse, Options::help, o -> run(o, System.out, System.err));
    }

    static int run(Options o, PrintStream out, PrintStream log) {
        List<Double> direct = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Double> warmMirror = new ArrayList<>();
        List<Double> warmDirect = new ArrayList<>();
        StringBuilder rounds = new StringBuilder();
        long imageBytes;
        try (TempDirs.Scratch dir = TempDirs.scratch(o.workDir(), "wharf-mirror-");
             ServerProcess upstream = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), List.of(), dir.path());
             ServerProcess mirror = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), List.of("--upstream",
                     SOURCE_HOST + "=http://127.0.0.1:" + upstream.target().port()), dir.path());
             RegistryClient up = new RegistryClient(upstream.target(), 60_000);
             RegistryClient m = new RegistryClient(mirror.target(), 60_000)) {
            // Round 0 warms both JVMs (class loading, JIT, the mirror's first connections) and is not counted.
            imageBytes = 0;
            for (int round = 0; round <= o.rounds(); round++) {
                Pulls image = Pulls.push(up, o, round);
                imageBytes = image.bytes();
                double d = image.straight().run(up);
                double c = image.mirrored().run(m);
                List<Double> wm = new ArrayList<>();
                List<Double> wd = new ArrayList<>();
                for (int i = 0; i < o.warmPulls(); i++) {
                    wm.add(image.mirrored().run(m));
                    wd.add(image.straight().run(up));
                }
                String line = String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", round, Report.num(d),
                        Report.num(c), Report.num(Stats.median(wd)), Report.num(Stats.median(wm)));
                if (round == 0) {
                    log.print("[warm-up] " + line);
                    continue;
                }
                direct.add(d);
                cold.add(c);
                warmMirror.add(Stats.median(wm));
                warmDirect.add(Stats.median(wd));
                rounds.append(line);
                log.print("[round " + round + "/" + o.rounds() + "] " + line);
            }
            mirror.requireAlive();
            upstream.requireAlive();
        }
        String report = render(o, imageBytes, direct, cold, warmDirect, warmMirror, rounds.toString());
        Report.publish(report, o.out(), out, log, "wharf-mirror");
        return 0;
    }

    /** A new image pushed upstream for one round, and its pulls straight from the upstream and through the mirror. */
    private record Pulls(Pull straight, Pull mirrored, long bytes) {
        static Pulls push(RegistryClient up, Options o, int round) {
            String repository = REPOSITORY + "-" + round;
            List<PatternBlob> layers = new ArrayList<>();
            for (int i = 0; i < o.layers(); i++) {
                layers.add(new PatternBlob((long) o.layerMib() * 1024 * 1024, 1000L * round + i));
            }
            byte[] config = OciManifest.config();
            byte[] manifest = OciManifest.of(RegistryClient.sha256(config), config.length, layers);
            for (PatternBlob layer : layers) {
                up.pushMonolithic(repository, layer);
            }
            up.pushMonolithic(repository, RegistryClient.sha256(config), BodySource.of(config));
            up.putManifest(repository, TAG, OciManifest.MEDIA_TYPE, manifest);
            long bytes = (long) o.layers() * o.layerMib() * 1024 * 1024 + config.length + manifest.length;
            return new Pulls(new Pull(repository, layers, config, manifest),
                    new Pull(SOURCE_HOST + "/" + repository, layers, config, manifest), bytes);
        }
    }

    static String render(Options o, long imageBytes, List<Double> direct, List<Double> cold, List<Double> warmDirect,
                         List<Double> warmMirror, String rounds) {
        double d = Stats.median(direct);
        double c = Stats.median(cold);
        double wd = Stats.median(warmDirect);
        double wm = Stats.median(warmMirror);
        StringBuilder out = new StringBuilder();
        out.append("# Wharf: pulls through a pull-through mirror\n\n");
        out.append(String.format(Locale.ROOT, "Image: %d layers of %d MiB, a config and a manifest (%s MiB); a pull "
                + "is the manifest by tag, then each blob in turn, every byte checked. %d rounds, a new image in each "
                + "after an uncounted warm-up round; medians over rounds (warm: the median of %d pulls in each round). "
                + "Both launchers run %s, on a data directory.%n%n",
                o.layers(), o.layerMib(), Report.num(imageBytes / 1048576.0), o.rounds(), o.warmPulls(),
                String.join(" ", o.wharfJavaOptions())));
        out.append("| pull | median ms | MiB/s | peer | time ÷ peer |\n|---|---:|---:|---|---:|\n");
        row(out, "straight from the upstream (cold peer)", d, imageBytes, "—", Double.NaN);
        row(out, "cold, through the mirror", c, imageBytes, "straight from the upstream", c / d);
        row(out, "warm, straight from the upstream", wd, imageBytes, "—", Double.NaN);
        row(out, "warm, through the mirror", wm, imageBytes, "warm, straight from the upstream", wm / wd);
        out.append("\nPer round, ms:\n\n| round | straight | cold mirror | warm straight | warm mirror |\n"
                + "|---:|---:|---:|---:|---:|\n");
        out.append(rounds);
        return out.toString();
    }

    private static void row(StringBuilder out, String name, double ms, long bytes, String peer, double ratio) {
        out.append("| ").append(name).append(" | ").append(Report.num(ms)).append(" | ")
                .append(Report.num(bytes / 1048576.0 / (ms / 1000))).append(" | ").append(peer).append(" | ")
                .append(Double.isNaN(ratio) ? "—" : Report.num(ratio) + "×").append(" |\n");
    }

    /** One image pull from one repository name; {@link #run} returns its wall time in milliseconds. */
    private record Pull(String repository, List<PatternBlob> layers, byte[] config, byte[] manifest) {
        double run(RegistryClient client) {
            long start = System.nanoTime();
            client.getManifest(repository, TAG, OciManifest.MEDIA_TYPE, manifest);
            Response r = client.expect(Request.of("GET", "/v2/" + repository + "/blobs/" + RegistryClient.sha256(config)), 200);
            if (!java.util.Arrays.equals(r.body(), config)) {
                throw new BenchmarkFailure("the config came back different from what was pushed");
            }
            for (PatternBlob layer : layers) {
                client.pull(repository, layer);
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
