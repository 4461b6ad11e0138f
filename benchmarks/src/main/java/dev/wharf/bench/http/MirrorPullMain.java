package dev.wharf.bench.http;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures a pull through a pull-through mirror: one launcher as the upstream holding an image, and in every
 * round a fresh launcher started with {@code --upstream} in front of it. A pull is the manifest by tag and then
 * every blob, one after another, each checked byte for byte. Per round: a pull straight from the upstream (the
 * peer), the mirror's first (cold) pull, which fetches everything from the upstream while serving it, then warm
 * pulls through the mirror and warm pulls from the upstream, alternating. Prints medians and the ratios of each
 * mirror pull to its peer, and writes them to {@code --out}.
 */
public final class MirrorPullMain {
    static final String SOURCE_HOST = "upstream.bench";
    static final String REPOSITORY = "bench/image";
    static final String TAG = "v1";

    static final String USAGE = """
            Usage: java -cp wharf-benchmarks.jar dev.wharf.bench.http.MirrorPullMain [options]

            Measures pulls through a Wharf launcher run as a pull-through mirror (--upstream) of
            another Wharf launcher on 127.0.0.1: the cold pull (everything fetched from the
            upstream while it is served) against a pull straight from the upstream, and warm
            pulls (everything already mirrored) against the same, several rounds, a fresh mirror
            in each. Prints medians and ratios as Markdown.

              --wharf-jar PATH        launcher jar (default test-registry/target/wharf-registry.jar)
              --wharf-java-opt OPT    JVM option for both launchers, repeatable; replaces the default
                                      -Xmx128m -Xms32m -XX:+UseSerialGC
              --rounds N              rounds, each with a fresh mirror (default 5)
              --layers N              layers of the image (default 4)
              --layer-mib N           size of each layer in MiB (default 16)
              --warm-pulls N          warm pulls of each kind per round (default 5)
              --work-dir DIR          the launchers' data (default /var/tmp)
              --out FILE              results file (default benchmarks/target/mirror-results.md)
              --help

            Smoke run, under a minute:  --rounds 1 --layer-mib 1 --warm-pulls 2
            """;

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
        List<PatternBlob> layers = new ArrayList<>();
        for (int i = 0; i < o.layers(); i++) {
            layers.add(new PatternBlob((long) o.layerMib() * 1024 * 1024, 7000 + i));
        }
        byte[] config = OciManifest.config();
        byte[] manifest = OciManifest.of(RegistryClient.sha256(config), config.length, layers);
        List<Double> direct = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Double> warmMirror = new ArrayList<>();
        List<Double> warmDirect = new ArrayList<>();
        StringBuilder rounds = new StringBuilder();
        try (TempDirs.Scratch dir = TempDirs.scratch(o.workDir(), "wharf-mirror-");
             ServerProcess upstream = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), List.of(), dir.path());
             RegistryClient up = new RegistryClient(upstream.target(), 60_000)) {
            for (PatternBlob layer : layers) {
                up.pushMonolithic(REPOSITORY, layer);
            }
            up.pushMonolithic(REPOSITORY, RegistryClient.sha256(config), BodySource.of(config));
            up.putManifest(REPOSITORY, TAG, OciManifest.MEDIA_TYPE, manifest);
            Pull straight = new Pull(REPOSITORY, layers, config, manifest);
            Pull mirrored = new Pull(SOURCE_HOST + "/" + REPOSITORY, layers, config, manifest);
            straight.run(up); // the upstream's first read of each blob is not what the peer measures
            for (int round = 1; round <= o.rounds(); round++) {
                List<String> flags = List.of("--upstream", SOURCE_HOST + "=http://127.0.0.1:" + upstream.target().port());
                try (ServerProcess mirror = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), flags, dir.path());
                     RegistryClient m = new RegistryClient(mirror.target(), 60_000)) {
                    m.expect(Request.of("GET", "/v2/"), 200);
                    double d = straight.run(up);
                    double c = mirrored.run(m);
                    List<Double> wm = new ArrayList<>();
                    List<Double> wd = new ArrayList<>();
                    for (int i = 0; i < o.warmPulls(); i++) {
                        wm.add(mirrored.run(m));
                        wd.add(straight.run(up));
                    }
                    direct.add(d);
                    cold.add(c);
                    warmMirror.add(Stats.median(wm));
                    warmDirect.add(Stats.median(wd));
                    String line = String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", round, Report.num(d),
                            Report.num(c), Report.num(Stats.median(wd)), Report.num(Stats.median(wm)));
                    rounds.append(line);
                    log.print("[round " + round + "/" + o.rounds() + "] " + line);
                }
            }
        }
        long imageBytes = (long) o.layers() * o.layerMib() * 1024 * 1024 + config.length + manifest.length;
        String report = render(o, imageBytes, direct, cold, warmDirect, warmMirror, rounds.toString());
        Report.publish(report, o.out(), out, log, "wharf-mirror");
        return 0;
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
                + "is the manifest by tag, then each blob in turn, every byte checked. %d rounds, a fresh mirror in "
                + "each; medians over rounds (warm: the median of %d pulls in each round). Both launchers run %s.%n%n",
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
