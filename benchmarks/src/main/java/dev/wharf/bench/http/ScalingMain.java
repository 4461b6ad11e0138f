package dev.wharf.bench.http;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The scaling run: starts {@code --nodes} launchers with the same shared-store flags, pushes one image through
 * the first, checks every node serves it, then measures manifest GET by tag and blob HEAD with the first 1, 2,
 * … N nodes behind a round-robin client ({@link SelectorLoadRunner} spreading its connections), each round
 * taking the node counts in a rotated order. Around each load it samples the CPU time of the nodes, the load
 * client, each watched process (with its descendants) and the whole machine, so the report can say where the
 * cores went. Prints the Markdown report ({@link ScalingReport}) and writes it to {@code --out}. Exit status 0
 * on success, 1 when a load failed its checks or a node died, 2 for a bad command line.
 */
public final class ScalingMain {
    static final String TAG = "latest";
    /** The label of the Wharf nodes' CPU time, and of the load client's. */
    static final String NODES = "Wharf nodes";
    static final String CLIENT = "load client";
    static final String MACHINE = "machine (all processes)";

    private ScalingMain() {
    }

    /** The command: see {@link ScalingOptions#USAGE}. */
    public static void main(String[] args) {
        CommandLine.main("wharf-scaling", ScalingOptions.USAGE, args, ScalingOptions::parse, ScalingOptions::help,
                o -> run(o, System.out, System.err));
    }

    static int run(ScalingOptions o, PrintStream out, PrintStream log) {
        ServerProcess.requireLauncherJar(o.wharfJar());
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < o.nodes(); i++) {
                ServerProcess node = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), o.wharfArgs(), o.workDir());
                nodes.add(node);
                log.println("wharf-scaling: node " + (i + 1) + " started on port " + node.target().port());
            }
            AuthCostMain.Image image = AuthCostMain.Image.of(BlobWorkloads.SMALL);
            try (RegistryClient c = new RegistryClient(nodes.get(0).target(), ServerRun.READ_TIMEOUT_MILLIS)) {
                image.push(c, TAG);
            }
            requireServed(nodes, image); // shared stores: pushed on one node, served by all at once
            List<ScalingReport.Measurement> measurements = new ArrayList<>();
            for (int round = 1; round <= o.rounds(); round++) {
                for (int n : order(o.nodes(), round)) {
                    List<ServerProcess> used = nodes.subList(0, n);
                    List<Target> targets = used.stream().map(ServerProcess::target).toList();
                    String prefix = "[round " + round + "/" + o.rounds() + "] " + n + (n == 1 ? " node" : " nodes");
                    measurements.add(measure(o, nodes, round, n, ScalingReport.Load.MANIFEST_GET, () ->
                            o.loads().manifestGet(targets, image.repository(), TAG, image.manifest(), image.digest(),
                                    Optional.empty()), log, prefix));
                    measurements.add(measure(o, nodes, round, n, ScalingReport.Load.BLOB_HEAD, () ->
                            o.loads().blobHead(targets, image.repository(), image.layers().get(0), Optional.empty()),
                            log, prefix));
                    for (ServerProcess node : used) {
                        node.requireAlive();
                    }
                }
            }
            requireServed(nodes, image);
            Report.publish(ScalingReport.render(header(o), o.nodes(), o.rounds(), measurements), o.out(), out, log,
                    "wharf-scaling");
            return 0;
        } finally {
            for (ServerProcess node : nodes) {
                node.close();
            }
        }
    }

    /** 1 … {@code nodes}, rotated by one each round so each count goes first in turn. */
    static List<Integer> order(int nodes, int round) {
        return Report.inTurn(java.util.stream.IntStream.rangeClosed(1, nodes).boxed().toList(), round);
    }

    private static void requireServed(List<ServerProcess> nodes, AuthCostMain.Image image) {
        for (ServerProcess node : nodes) {
            try (RegistryClient c = new RegistryClient(node.target(), ServerRun.READ_TIMEOUT_MILLIS)) {
                c.getManifest(image.repository(), TAG, OciManifest.MEDIA_TYPE, image.manifest());
                c.head(image.repository(), image.layers().get(0).digest(), image.layers().get(0).size());
            }
        }
    }

    private interface LoadRun {
        LoadResult run();
    }

    /** Runs one load and samples CPU time around it. */
    private static ScalingReport.Measurement measure(ScalingOptions o, List<ServerProcess> nodes, int round, int n,
                                                     ScalingReport.Load load, LoadRun run, PrintStream log,
                                                     String prefix) {
        Map<String, Duration> before = cpu(o, nodes);
        long start = System.nanoTime();
        LoadResult result = run.run();
        double wall = (System.nanoTime() - start) / 1e9;
        Map<String, Duration> after = cpu(o, nodes);
        Map<String, Double> cores = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> e : after.entrySet()) {
            Duration b = before.getOrDefault(e.getKey(), Duration.ZERO);
            cores.put(e.getKey(), Math.max(0, e.getValue().minus(b).toNanos()) / 1e9 / wall);
        }
        log.printf(Locale.ROOT, "%s: %s %s req/s, p99 %s ms; cores: %s%n", prefix, load.label(),
                Report.num(result.requestsPerSecond()), Report.num(result.p99Millis()), describe(cores));
        log.flush();
        return new ScalingReport.Measurement(round, n, load, result.requestsPerSecond(), result.p99Millis(), cores);
    }

    private static String describe(Map<String, Double> cores) {
        List<String> parts = new ArrayList<>();
        cores.forEach((k, v) -> parts.add(k + " " + Report.num(v)));
        return String.join(", ", parts);
    }

    /** CPU time so far: the nodes together, the load client, each watched process tree, the machine. */
    static Map<String, Duration> cpu(ScalingOptions o, List<ServerProcess> nodes) {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        Duration wharf = Duration.ZERO;
        for (ServerProcess node : nodes) {
            wharf = wharf.plus(tree(node.pid()));
        }
        cpu.put(NODES, wharf);
        o.watched().forEach((label, pid) -> cpu.put(label, tree(pid)));
        cpu.put(CLIENT, ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO));
        machineBusy().ifPresent(d -> cpu.put(MACHINE, d));
        return cpu;
    }

    /** CPU time of {@code pid} and its live descendants (PostgreSQL serves each connection in a child). */
    static Duration tree(long pid) {
        return ProcessHandle.of(pid)
                .map(p -> Stream.concat(Stream.of(p), p.descendants())
                        .map(h -> h.info().totalCpuDuration().orElse(Duration.ZERO))
                        .reduce(Duration.ZERO, Duration::plus))
                .orElse(Duration.ZERO);
    }

    /** Busy CPU time of the whole machine from {@code /proc/stat} (all but idle and iowait), if readable. */
    static Optional<Duration> machineBusy() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            return Optional.of(busy(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses the {@code cpu} line of {@code /proc/stat}: ticks of 10 ms (USER_HZ is 100 on Linux). */
    static Duration busy(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
        }
        long ticks = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                ticks += Long.parseLong(f[i]);
            }
        }
        return Duration.ofMillis(ticks * 10);
    }

    static List<String> header(ScalingOptions o) {
        ReadLoads loads = o.loads();
        List<String> lines = new ArrayList<>();
        lines.add("date: " + HarnessMain.now());
        lines.add("machine: " + Environment.machine());
        lines.add(Environment.java() + " for the client and the nodes; launcher " + o.wharfJar() + ", options "
                + String.join(" ", o.wharfJavaOptions()) + ", flags " + String.join(" ", o.wharfArgs()));
        lines.add("nodes: up to " + o.nodes() + " launchers on this machine over the same stores, all started for"
                + " the whole run; the image pushed through the first and read through every one");
        lines.add("client: one Java selector thread, " + loads.connections() + " keep-alive connections in all,"
                + " connection i to node i mod n (round robin); every answer checked");
        lines.add("image: " + BlobWorkloads.SMALL + ":" + TAG + ", two layers of "
                + HarnessOptions.human(AuthCostMain.LAYER_SIZE) + "; blob HEAD of the first layer");
        lines.add("loads: " + loads.seconds() + " s measured after " + loads.warmupSeconds() + " s warm-up; "
                + o.rounds() + " rounds, the node counts in rotating order; medians over rounds");
        lines.add("cores: CPU seconds per second of load (warm-up included) of each part, from /proc; "
                + (o.watched().isEmpty() ? "no other process watched" : "watched: "
                + String.join(", ", o.watched().keySet()) + " (each with its child processes)"));
        return lines;
    }
}
