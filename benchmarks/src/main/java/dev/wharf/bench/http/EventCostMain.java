package dev.wharf.bench.http;


import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what one healthy webhook costs the pushes it reports: the launcher started afresh in every round
 * without a webhook and with one ({@code --webhook} to a receiver in this JVM, signed with
 * {@code --webhook-secret}), the order alternating, each start running the harness's warm-up, small-blob pushes
 * and tag creation ({@link BlobWorkloads}, {@link ListingWorkloads}). The receiver answers {@code 204}, checks
 * every signature and counts events by id; after a run with the webhook it waits until every pushed blob and
 * created tag was reported, so delivery cannot fall behind unseen. Prints the Markdown report and writes it to
 * {@code --out}. Exit status 0 on success, 1 when a workload or the delivery check failed, 2 for a bad command
 * line.
 */
public final class EventCostMain {
    static final String NONE = "no webhook";
    static final String WEBHOOK = "one webhook";
    /** The events issue's goal: pushes keep this share of their throughput with one healthy webhook. */
    static final double GOAL_RATIO = 0.95;
    static final List<Metric> METRICS = List.of(Metric.SMALL_BLOBS, Metric.TAG_CREATE);
    static final String RECEIVER_CPU = "the receiver's threads (in the harness's JVM)";
    /** The row of the delivery threads' CPU, read from {@code /proc} ({@link ProcStatus#threadCpuSeconds}). */
    static final String DELIVERY_CPU = "the launcher's delivery threads (wharf-webhook-*)";
    /** The launcher's name for its delivery threads ({@code wharf-webhook-N}), as {@code /proc} shows it. */
    static final String DELIVERY_THREADS = "wharf-webhook";
    /** {@code --launchers kept}: the warm-up's backlog is delivered once the receiver heard nothing for this long. */
    static final long QUIET_MILLIS = 1000;

    private EventCostMain() {
    }

    /** The command: see {@link EventCostOptions#USAGE}. */
    public static void main(String[] args) {
        CommandLine.main("wharf-events", EventCostOptions.USAGE, args, EventCostOptions::parse,
                EventCostOptions::help, o -> run(o, System.out, System.err));
    }

    static int run(EventCostOptions e, PrintStream out, PrintStream log) {
        HarnessOptions o = e.harness();
        ServerProcess.requireLauncherJar(o.wharfJar());
        try (TempDirs.Scratch dir = TempDirs.scratch(o.workDir(), "wharf-events-");
             WebhookReceiver receiver = WebhookReceiver.start()) {
            Path secret = dir.path().resolve("webhook.key");
            try {
                Files.write(secret, receiver.key);
            } catch (IOException x) {
                throw new BenchmarkFailure("cannot write " + secret + ": " + x, x);
            }
            BlobSet blobs = BlobSet.prepare(o, o.smallBlobs() / 4);
            Tally tally = new Tally(new Results(), new LinkedHashMap<>(), new ArrayList<>(), receiver, log);
            if (e.kept()) {
                runKept(e, dir.path(), secret, blobs, tally);
            } else {
                runFresh(e, dir.path(), secret, blobs, tally);
            }
            Report.publish(render(header(e, dir.path()), tally.results()) + renderCpu(e.kept(), tally.cpu())
                    + renderDrains(tally.drains()), o.out(), out, log, "wharf-events");
            return 0;
        }
    }

    /** {@code --launchers fresh}: both launchers started afresh in every round, warmed, measured and stopped. */
    private static void runFresh(EventCostOptions e, Path dir, Path secret, BlobSet blobs, Tally tally) {
        HarnessOptions o = e.harness();
        for (int round = 1; round <= o.rounds(); round++) {
            String prefix = "[round " + round + "/" + o.rounds() + "]";
            for (String label : order(round)) {
                List<String> flags = new ArrayList<>(o.wharfArgs());
                if (label.equals(WEBHOOK)) {
                    flags.addAll(webhookFlags(e.batch(), tally.receiver().url(), secret, dir));
                }
                tally.receiver().reset();
                try (ServerProcess server = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), flags, dir)) {
                    tally.log().println(prefix + " " + label + ": started on port " + server.target().port());
                    ServerRun run = new ServerRun(o, server, new Results(), blobs, 0, tally.log(),
                            prefix + " " + label);
                    for (int pass = 0; pass < o.warmupSeconds(); pass++) { // --warmup: passes here
                        new BlobWorkloads(run).warmUp(pass);
                    }
                    tally.pushAndRecord(run, label, "", 0, 0, prefix, "");
                }
            }
        }
    }

    /**
     * {@code --launchers kept}: both launchers started once and warmed with the same passes, then in every round
     * each in turn pushes that round's new small blobs and creates that round's new tags, and the webhook's
     * launcher delivers every event of its round before the next push starts. The two values of a round are
     * measured back to back on warmed processes, so the machine's drift and each start's compilation weigh
     * less than in {@link #runFresh}. CPU is counted per round: the launcher's from the first push to the last
     * event received.
     */
    private static void runKept(EventCostOptions e, Path dir, Path secret, BlobSet blobs, Tally tally) {
        HarnessOptions o = e.harness();
        WebhookReceiver receiver = tally.receiver();
        PrintStream log = tally.log();
        List<String> hookFlags = new ArrayList<>(o.wharfArgs());
        hookFlags.addAll(webhookFlags(e.batch(), receiver.url(), secret, dir));
        try (ServerProcess none = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), o.wharfArgs(), dir);
             ServerProcess hook = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), hookFlags, dir)) {
            Map<String, ServerProcess> servers = Map.of(NONE, none, WEBHOOK, hook);
            for (String label : order(1)) {
                log.println("[start] " + label + ": started on port " + servers.get(label).target().port());
            }
            for (int pass = 0; pass < o.warmupSeconds(); pass++) { // --warmup: passes here
                for (String label : order(pass + 1)) {
                    ServerRun run = new ServerRun(o, servers.get(label), new Results(), blobs, 0, log,
                            "[warm-up " + (pass + 1) + "] " + label);
                    new BlobWorkloads(run).warmUp(pass);
                    if (label.equals(WEBHOOK)) {
                        receiver.awaitQuiet(QUIET_MILLIS);
                    }
                }
            }
            for (int round = 1; round <= o.rounds(); round++) {
                String prefix = "[round " + round + "/" + o.rounds() + "]";
                BlobSet roundBlobs = blobs.withSmallOfRound(round, o.smallBlobs());
                for (String label : order(round)) {
                    ServerProcess server = servers.get(label);
                    receiver.reset();
                    ServerRun run = new ServerRun(o, server, new Results(), roundBlobs, 0, log, prefix + " " + label);
                    tally.pushAndRecord(run, label, "r" + round + "-", server.cpuSeconds(),
                            ProcStatus.threadCpuSeconds(server.pid(), DELIVERY_THREADS), prefix, " in this round");
                }
            }
        }
    }

    /**
     * Where a run's numbers go, and the measured pushes that feed them.
     *
     * @param results  each round's push rates, by launcher
     * @param cpu      CPU seconds by process or thread group, one value per run or round
     * @param drains   for each run or round with the webhook: ms from the end of the pushes to the last event
     * @param receiver the webhook's receiver
     * @param log      progress lines
     */
    private record Tally(Results results, Map<String, List<Double>> cpu, List<Double> drains,
                         WebhookReceiver receiver, PrintStream log) {

        /**
         * The measured pushes on {@code run}'s launcher (small blobs, then tags named with {@code tagPrefix}),
         * their rates recorded under {@code label}; with the webhook, waits until every event arrived and records
         * the delivery's lag and the receiver's and delivery threads' CPU. CPU is counted from
         * {@code cpuBefore} and {@code deliveryBefore} (0 for a whole run); {@code span} ends the log line that
         * gives it, after the run's or round's {@code prefix}.
         */
        void pushAndRecord(ServerRun run, String label, String tagPrefix, double cpuBefore, double deliveryBefore,
                           String prefix, String span) {
            HarnessOptions o = run.options;
            ServerProcess server = run.server;
            new BlobWorkloads(run).pushSmallBlobs();
            try (RegistryClient c = run.client()) { // the tags' manifest names it
                c.pushMonolithic(BlobWorkloads.SMALL, run.blobs.configDigest(), BodySource.of(run.blobs.config()));
            }
            new ListingWorkloads(run).createTags(tagPrefix);
            long pushesEnded = System.nanoTime();
            for (Metric m : METRICS) {
                run.results.detail(m).ifPresent(d -> results.detail(m, d));
                run.results.values(m, server.target().name()).forEach(v -> results.add(m, label, v));
            }
            if (label.equals(WEBHOOK)) {
                receiver.awaitAll(BlobWorkloads.SMALL, o.smallBlobs(), ListingWorkloads.TAGS, o.tags(), log, prefix);
                drains.add(Math.max(0, receiver.lastRequestNanos() - pushesEnded) / 1e6);
                cpu.computeIfAbsent(RECEIVER_CPU, k -> new ArrayList<>()).add(receiver.cpuSeconds());
                cpu.computeIfAbsent(DELIVERY_CPU, k -> new ArrayList<>())
                        .add(ProcStatus.threadCpuSeconds(server.pid(), DELIVERY_THREADS) - deliveryBefore);
            } else if (receiver.events() != 0) {
                throw new BenchmarkFailure("the receiver heard from a launcher without a webhook");
            }
            double used = server.cpuSeconds() - cpuBefore;
            cpu.computeIfAbsent("launcher, " + label, k -> new ArrayList<>()).add(used);
            log.printf(Locale.ROOT, "%s %s: the launcher used %.2f s of CPU%s%n", prefix, label, used, span);
            server.requireAlive();
        }
    }

    /**
     * The launcher flags that attach the webhook: {@code --webhook} for one event per request, else a
     * configuration file (written into {@code dir}) whose webhook has {@code batch: n}.
     */
    static List<String> webhookFlags(int batch, String url, Path secret, Path dir) {
        if (batch == 1) {
            return List.of("--webhook", url, "--webhook-secret", secret.toString());
        }
        Path config = dir.resolve("events.yaml");
        String yaml = "events:\n  webhooks:\n    - url: \"" + url + "\"\n      secretFile: \"" + secret + "\"\n"
                + "      batch: " + batch + "\n";
        try {
            Files.writeString(config, yaml);
        } catch (IOException x) {
            throw new BenchmarkFailure("cannot write " + config + ": " + x, x);
        }
        return List.of("--config", config.toString());
    }

    /** The two launchers in round {@code round}'s order: alternating, so each goes first in turn. */
    static List<String> order(int round) {
        return Report.inTurn(List.of(NONE, WEBHOOK), round);
    }

    static String render(List<String> header, Results results) {
        StringBuilder out = new StringBuilder("## Wharf: what one healthy webhook costs the pushes\n\n");
        for (String line : header) {
            out.append("- ").append(line).append('\n');
        }
        out.append("\n| workload | unit | ").append(NONE).append(" | ").append(WEBHOOK).append(" | ratio | goal | met |\n")
                .append("|---|---|---:|---:|---:|---|---|\n");
        Goal goal = Goal.ratioAtLeast(GOAL_RATIO);
        for (Metric m : METRICS) {
            var none = results.combined(m, NONE);
            var hook = results.combined(m, WEBHOOK);
            if (none.isEmpty() && hook.isEmpty()) {
                continue;
            }
            out.append("| ").append(m.label()).append(results.detail(m).map(s -> " (" + s + ")").orElse(""))
                    .append(" | ").append(m.unit())
                    .append(" | ").append(none.map(Report::num).orElse("—"))
                    .append(" | ").append(hook.map(Report::num).orElse("—"))
                    .append(" | ").append(AuthCostReport.ratio(hook, none))
                    .append(" | ").append(goal.describe(m.unit(), NONE))
                    .append(" | ").append(goal.met(hook, none).map(ok -> ok ? "yes" : "**no**").orElse(""))
                    .append(" |\n");
        }
        Report.appendRounds(out, results, "launcher", List.of(NONE, WEBHOOK));
        out.append(roundRatios(results));
        return out.toString();
    }

    /**
     * Each round's ratio, webhook over none, per workload, and their median: the two values of a round were
     * measured next to each other, so their ratio is spared the drift between rounds.
     */
    static String roundRatios(Results results) {
        StringBuilder out = new StringBuilder();
        for (Metric m : METRICS) {
            List<Double> none = results.values(m, NONE);
            List<Double> hook = results.values(m, WEBHOOK);
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < Math.min(none.size(), hook.size()); r++) {
                ratios.add(hook.get(r) / none.get(r));
            }
            if (ratios.isEmpty()) {
                continue;
            }
            out.append(out.length() == 0 ? "\nEach round's ratio (one webhook / no webhook):\n\n" : "")
                    .append("- ").append(m.label()).append(": ")
                    .append(String.join(", ", ratios.stream().map(v -> Report.num(v) + "×").toList()))
                    .append("; median ").append(Report.num(Stats.median(ratios))).append("×\n");
        }
        return out.toString();
    }

    /**
     * The CPU seconds each launcher used and the receiver's: per run (start to the last event delivered) with
     * {@code --launchers fresh}, per round (first push to the last event delivered) with {@code kept}.
     */
    static String renderCpu(boolean kept, Map<String, List<Double>> cpu) {
        if (cpu.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(kept
                ? "\nCPU seconds per round (the round's pushes and the delivery of its events), medians:\n\n"
                + "| process | CPU s | every round |\n|---|---:|---|\n"
                : "\nCPU seconds per run, whole run (warm-up, pushes, delivery), medians:\n\n"
                + "| process | CPU s | every run |\n|---|---:|---|\n");
        cpu.forEach((what, values) -> out.append("| ").append(what).append(" | ")
                .append(Report.num(Stats.median(values))).append(" | ")
                .append(String.join(", ", values.stream().map(Report::num).toList())).append(" |\n"));
        List<Double> none = cpu.getOrDefault("launcher, " + NONE, List.of());
        List<Double> delivery = cpu.getOrDefault(DELIVERY_CPU, List.of());
        List<Double> receiving = cpu.getOrDefault(RECEIVER_CPU, List.of());
        if (!none.isEmpty() && !delivery.isEmpty() && !receiving.isEmpty()) {
            double base = none.stream().mapToDouble(Double::doubleValue).sum();
            double sent = delivery.stream().mapToDouble(Double::doubleValue).sum();
            double heard = receiving.stream().mapToDouble(Double::doubleValue).sum();
            out.append(String.format(Locale.ROOT, "%nThe webhook's own CPU, summed over %s, against the launcher's"
                            + " without a webhook: delivery %.1f %%, the receiver %.1f %%, together %.1f %%.%n",
                    kept ? "rounds" : "runs", 100 * sent / base, 100 * heard / base, 100 * (sent + heard) / base));
        }
        return out.toString();
    }

    /**
     * How long after the pushes of a run or round the webhook's last event arrived: delivery that lags the pushes
     * spends part of its CPU after them, where the push rates do not see it.
     */
    static String renderDrains(List<Double> drains) {
        if (drains.isEmpty()) {
            return "";
        }
        return String.format(Locale.ROOT, "%nThe webhook's last event arrived after the pushes ended by a median of"
                + " %s ms (every one: %s).%n", Report.num(Stats.median(drains)),
                String.join(", ", drains.stream().map(Report::num).toList()));
    }

    static List<String> header(EventCostOptions e, Path scratch) {
        HarnessOptions o = e.harness();
        List<String> lines = new ArrayList<>();
        lines.add("date: " + HarnessMain.now());
        lines.add("machine: " + Environment.machine());
        lines.add(Environment.java() + " for the harness, the receiver and the launcher; launcher " + o.wharfJar()
                + ", options " + String.join(" ", o.wharfJavaOptions())
                + (o.wharfArgs().isEmpty() ? "" : ", flags " + String.join(" ", o.wharfArgs())));
        lines.add("webhook: " + (e.batch() == 1 ? "--webhook" : "a --config file's webhook with batch: " + e.batch())
                + " to a lean HTTP/1.1 receiver in the harness's JVM (a thread per connection, keep-alive) answering"
                + " 204, checking each request's HMAC-SHA256 signature; CloudEvents, "
                + (e.batch() == 1 ? "one event per request" : "up to " + e.batch() + " events per request")
                + "; its CPU time is reported below");
        lines.add("workloads: " + o.smallBlobs() + " × " + HarnessOptions.human(o.smallBlobSize()) + " blobs, then "
                + o.tags() + " tags on one repository, " + o.clients() + " clients each"
                + (o.warmupSeconds() == 0 ? ", no warm-up"
                : o.warmupSeconds() == 1 ? ", after the harness's warm-up pushes"
                : ", after " + o.warmupSeconds() + " passes of the harness's warm-up pushes"));
        lines.add("check: after each run with the webhook, every blob upload and tag update was received");
        lines.add("data: " + Environment.filesystem(scratch));
        lines.add("rounds: " + o.rounds() + (e.kept()
                ? ", both launchers started once and warmed, each round pushing new blobs and tags into each in turn"
                + " (the order alternating, the webhook's events delivered before the next push); medians over rounds"
                : ", the launcher started afresh for each, the order alternating; medians over rounds"));
        return lines;
    }
}
