package dev.wharf.bench.http;

import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final long DELIVERY_DEADLINE_SECONDS = 120;
    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SUBJECT = Pattern.compile("\"subject\"\\s*:\\s*\"([^\"]+)\"");

    private EventCostMain() {
    }

    /** The command: see {@link EventCostOptions#USAGE}. */
    public static void main(String[] args) {
        CommandLine.main("wharf-events", EventCostOptions.USAGE, args, EventCostOptions::parse,
                EventCostOptions::help, o -> run(o, System.out, System.err));
    }

    static int run(EventCostOptions e, PrintStream out, PrintStream log) {
        HarnessOptions o = e.harness();
        if (!Files.isRegularFile(o.wharfJar())) {
            throw new BenchmarkFailure("no launcher jar at " + o.wharfJar() + "; build it first: mvn -B -q package -DskipTests");
        }
        try (TempDirs.Scratch dir = TempDirs.scratch(o.workDir(), "wharf-events-");
             Receiver receiver = Receiver.start()) {
            Path secret = dir.path().resolve("webhook.key");
            try {
                Files.write(secret, receiver.key);
            } catch (IOException x) {
                throw new BenchmarkFailure("cannot write " + secret + ": " + x, x);
            }
            BlobSet blobs = BlobSet.prepare(o);
            Results results = new Results();
            for (int round = 1; round <= o.rounds(); round++) {
                String prefix = "[round " + round + "/" + o.rounds() + "]";
                for (String label : order(round)) {
                    List<String> flags = new ArrayList<>(o.wharfArgs());
                    if (label.equals(WEBHOOK)) {
                        flags.addAll(List.of("--webhook", receiver.url(), "--webhook-secret", secret.toString()));
                    }
                    receiver.reset();
                    try (ServerProcess server = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), flags,
                            dir.path())) {
                        log.println(prefix + " " + label + ": started on port " + server.target().port());
                        Results own = new Results();
                        ServerRun run = new ServerRun(o, server, own, blobs, 0, log, prefix + " " + label);
                        BlobWorkloads blob = new BlobWorkloads(run);
                        ListingWorkloads listing = new ListingWorkloads(run);
                        if (o.warmupSeconds() > 0) {
                            blob.warmUp();
                        }
                        blob.pushSmallBlobs();
                        try (RegistryClient c = run.client()) { // the tags' manifest names it
                            c.pushMonolithic(BlobWorkloads.SMALL, blobs.configDigest(), BodySource.of(blobs.config()));
                        }
                        listing.createTags();
                        for (Metric m : METRICS) {
                            own.detail(m).ifPresent(d -> results.detail(m, d));
                            own.values(m, server.target().name()).forEach(v -> results.add(m, label, v));
                        }
                        if (label.equals(WEBHOOK)) {
                            receiver.awaitAll(BlobWorkloads.SMALL, o.smallBlobs(), ListingWorkloads.TAGS, o.tags(),
                                    log, prefix);
                        } else if (receiver.events() != 0) {
                            throw new BenchmarkFailure("the receiver heard from a launcher without a webhook");
                        }
                        server.requireAlive();
                    }
                }
            }
            Report.publish(render(header(e, dir.path()), results), o.out(), out, log, "wharf-events");
            return 0;
        }
    }

    /** The two launchers in round {@code round}'s order: alternating, so each goes first in turn. */
    static List<String> order(int round) {
        List<String> order = new ArrayList<>(List.of(NONE, WEBHOOK));
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        return order;
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
                    .append(" | ").append(none.isPresent() && hook.isPresent() && none.get() > 0
                            ? Report.num(hook.get() / none.get()) + "×" : "")
                    .append(" | ").append(goal.describe(m.unit(), NONE))
                    .append(" | ").append(goal.met(hook, none).map(ok -> ok ? "yes" : "**no**").orElse(""))
                    .append(" |\n");
        }
        Report.appendRounds(out, results, "launcher", List.of(NONE, WEBHOOK));
        return out.toString();
    }

    static List<String> header(EventCostOptions e, Path scratch) {
        HarnessOptions o = e.harness();
        List<String> lines = new ArrayList<>();
        lines.add("date: " + HarnessMain.now());
        lines.add("machine: " + Environment.machine());
        lines.add(Environment.java() + " for the harness, the receiver and the launcher; launcher " + o.wharfJar()
                + ", options " + String.join(" ", o.wharfJavaOptions())
                + (o.wharfArgs().isEmpty() ? "" : ", flags " + String.join(" ", o.wharfArgs())));
        lines.add("webhook: --webhook to a JDK HttpServer in the harness's JVM (one thread) answering 204, checking"
                + " each request's HMAC-SHA256 signature (--webhook-secret); CloudEvents, one event per request");
        lines.add("workloads: " + o.smallBlobs() + " × " + HarnessOptions.human(o.smallBlobSize()) + " blobs, then "
                + o.tags() + " tags on one repository, " + o.clients() + " clients each"
                + (o.warmupSeconds() > 0 ? ", after the harness's warm-up pushes" : ", no warm-up"));
        lines.add("check: after each run with the webhook, every blob upload and tag update was received");
        lines.add("data: " + Environment.filesystem(scratch));
        lines.add("rounds: " + o.rounds() + ", the launcher started afresh for each, the order alternating; medians"
                + " over rounds");
        return lines;
    }

    /** The webhook's receiver: answers 204, verifies signatures, keeps the ids and types it heard. */
    static final class Receiver implements AutoCloseable {
        final byte[] key;
        private final HttpServer server;
        private final Map<String, String> heard = new ConcurrentHashMap<>();
        private final Set<String> errors = ConcurrentHashMap.newKeySet();
        private final AtomicLong requests = new AtomicLong();
        /** One keyed HMAC per receiving thread, as a receiver that verifies many requests would keep. */
        private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);

        private Receiver(HttpServer server, byte[] key) {
            this.server = server;
            this.key = key;
        }

        static Receiver start() {
            byte[] key = HexFormat.of().formatHex(new SecureRandom().generateSeed(32)).getBytes(StandardCharsets.US_ASCII);
            HttpServer server;
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            } catch (IOException e) {
                throw new BenchmarkFailure("cannot start the webhook receiver: " + e, e);
            }
            Receiver r = new Receiver(server, key);
            server.createContext("/hook", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readAllBytes();
                    r.accept(body, exchange.getRequestHeaders().getFirst("X-Wharf-Signature"));
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return r;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        void reset() {
            heard.clear();
            errors.clear();
            requests.set(0);
        }

        long events() {
            return heard.size();
        }

        private void accept(byte[] body, String signature) {
            requests.incrementAndGet();
            String expected = "sha256=" + HexFormat.of().formatHex(mac.get().doFinal(body));
            if (!expected.equals(signature)) {
                errors.add("a request with signature " + signature + ", expected " + expected);
                return;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher id = ID.matcher(text);
            Matcher type = TYPE.matcher(text);
            Matcher subject = SUBJECT.matcher(text);
            if (!id.find() || !type.find()) {
                errors.add("a request without an id or type: " + text);
                return;
            }
            heard.put(id.group(1), type.group(1) + (subject.find() ? " " + subject.group(1) : ""));
        }

        /** Waits until {@code blobs} uploads into {@code blobRepo} and {@code tags} updates in {@code tagRepo} came. */
        void awaitAll(String blobRepo, int blobs, String tagRepo, int tags, PrintStream log, String prefix) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DELIVERY_DEADLINE_SECONDS);
            long uploads = 0;
            long updates = 0;
            while (System.nanoTime() < deadline) {
                if (!errors.isEmpty()) {
                    throw new BenchmarkFailure("webhook receiver: " + errors.iterator().next());
                }
                uploads = heard.values().stream().filter(v -> v.equals("dev.wharf.blob.uploaded " + blobRepo)).count();
                updates = heard.values().stream().filter(v -> v.equals("dev.wharf.tag.updated " + tagRepo)).count();
                if (uploads >= blobs && updates >= tags) {
                    log.printf(Locale.ROOT, "%s webhook: %d events received in %d requests, every one signed%n",
                            prefix, heard.size(), requests.get());
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BenchmarkFailure("interrupted waiting for the webhook");
                }
            }
            throw new BenchmarkFailure("the webhook reported " + uploads + " of " + blobs + " blob uploads and "
                    + updates + " of " + tags + " tag updates within " + DELIVERY_DEADLINE_SECONDS + " s");
        }

        static String hmac(byte[] key, byte[] body) {
            return HexFormat.of().formatHex(mac(key).doFinal(body));
        }

        private Mac newMac() {
            return mac(key);
        }

        private static Mac mac(byte[] key) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
