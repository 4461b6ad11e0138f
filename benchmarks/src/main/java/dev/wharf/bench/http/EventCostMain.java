package dev.wharf.bench.http;


import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    static final String RECEIVER_CPU = "the receiver's threads (in the harness's JVM)";
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
            Map<String, List<Double>> cpu = new java.util.LinkedHashMap<>();
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
                            cpu.computeIfAbsent(RECEIVER_CPU, k -> new ArrayList<>()).add(receiver.cpuSeconds());
                        } else if (receiver.events() != 0) {
                            throw new BenchmarkFailure("the receiver heard from a launcher without a webhook");
                        }
                        double launcher = ProcessHandle.of(server.pid()).flatMap(h -> h.info().totalCpuDuration())
                                .map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
                        cpu.computeIfAbsent("launcher, " + label, k -> new ArrayList<>()).add(launcher);
                        log.printf(Locale.ROOT, "%s %s: the launcher used %.1f s of CPU%n", prefix, label, launcher);
                        server.requireAlive();
                    }
                }
            }
            Report.publish(render(header(e, dir.path()), results) + renderCpu(cpu), o.out(), out, log,
                    "wharf-events");
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

    /** The CPU seconds each launcher used in a run (start to the last event delivered) and the receiver's. */
    static String renderCpu(Map<String, List<Double>> cpu) {
        if (cpu.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nCPU seconds per run, whole run (warm-up, pushes, delivery), medians:\n\n"
                + "| process | CPU s | every run |\n|---|---:|---|\n");
        cpu.forEach((what, values) -> out.append("| ").append(what).append(" | ")
                .append(Report.num(Stats.median(values))).append(" | ")
                .append(String.join(", ", values.stream().map(Report::num).toList())).append(" |\n"));
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
        lines.add("webhook: --webhook to a lean HTTP/1.1 receiver in the harness's JVM (a thread per connection,"
                + " keep-alive) answering 204, checking each request's HMAC-SHA256 signature (--webhook-secret);"
                + " CloudEvents, one event per request; its CPU time is reported below");
        lines.add("workloads: " + o.smallBlobs() + " × " + HarnessOptions.human(o.smallBlobSize()) + " blobs, then "
                + o.tags() + " tags on one repository, " + o.clients() + " clients each"
                + (o.warmupSeconds() > 0 ? ", after the harness's warm-up pushes" : ", no warm-up"));
        lines.add("check: after each run with the webhook, every blob upload and tag update was received");
        lines.add("data: " + Environment.filesystem(scratch));
        lines.add("rounds: " + o.rounds() + ", the launcher started afresh for each, the order alternating; medians"
                + " over rounds");
        return lines;
    }

    /**
     * The webhook's receiver: answers 204, verifies signatures, keeps the ids and types it heard. A lean HTTP/1.1
     * server of its own (a thread per connection, blocking reads, keep-alive, {@code Content-Length} bodies only,
     * as the launcher sends them), so that the cores it shares with the launcher on one machine go to the
     * launcher's work, not to a server framework's: a receiver elsewhere would cost the launcher nothing.
     */
    static final class Receiver implements AutoCloseable {
        private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] key;
        private final ServerSocket server;
        private final Map<String, String> heard = new ConcurrentHashMap<>();
        private final Set<String> errors = ConcurrentHashMap.newKeySet();
        private final AtomicLong requests = new AtomicLong();
        /** One keyed HMAC per receiving thread, as a receiver that verifies many requests would keep. */
        private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);
        /** CPU nanoseconds of connection threads that ended since the last reset, and of live ones at reset. */
        private final AtomicLong retiredCpu = new AtomicLong();
        private final Map<Long, Long> cpuAtReset = new ConcurrentHashMap<>();

        private Receiver(ServerSocket server, byte[] key) {
            this.server = server;
            this.key = key;
        }

        static Receiver start() {
            byte[] key = HexFormat.of().formatHex(new SecureRandom().generateSeed(32)).getBytes(StandardCharsets.US_ASCII);
            ServerSocket socket;
            try {
                socket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new BenchmarkFailure("cannot start the webhook receiver: " + e, e);
            }
            Receiver r = new Receiver(socket, key);
            Thread accepting = new Thread(r::acceptConnections, "webhook-receiver");
            accepting.setDaemon(true);
            accepting.start();
            return r;
        }

        private void acceptConnections() {
            while (!server.isClosed()) {
                try {
                    Socket connection = server.accept();
                    Thread t = new Thread(() -> serve(connection), "webhook-receiver-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket connection) {
            long thread = Thread.currentThread().getId();
            cpuAtReset.put(thread, 0L);
            try (connection) {
                connection.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                while (true) {
                    String head = head(in);
                    if (head == null) {
                        return;
                    }
                    int length = -1;
                    String signature = null;
                    for (String line : head.split("\r\n")) {
                        int colon = line.indexOf(':');
                        if (colon < 0) {
                            continue;
                        }
                        String name = line.substring(0, colon).trim();
                        if (name.equalsIgnoreCase("Content-Length")) {
                            length = Integer.parseInt(line.substring(colon + 1).trim());
                        } else if (name.equalsIgnoreCase("X-Wharf-Signature")) {
                            signature = line.substring(colon + 1).trim();
                        }
                    }
                    if (length < 0) {
                        errors.add("a request without Content-Length: " + head);
                        return;
                    }
                    accept(in.readNBytes(length), signature);
                    out.write(NO_CONTENT);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                if (!server.isClosed()) {
                    errors.add("the receiver's connection failed: " + e);
                }
            } finally {
                long at = cpuAtReset.getOrDefault(thread, 0L);
                cpuAtReset.remove(thread);
                retiredCpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean()
                        .getCurrentThreadCpuTime() - at);
            }
        }

        /** A request's head up to its blank line, or null at the end of the connection. */
        private static String head(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder(256);
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                int n = head.length();
                if (b == '\n' && n >= 4 && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                        && head.charAt(n - 4) == '\r') {
                    return head.toString();
                }
                if (n > 64 * 1024) {
                    throw new IOException("a request head longer than 64 KiB");
                }
            }
            if (head.length() > 0) {
                throw new IOException("a connection ended inside a request head");
            }
            return null;
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
        }

        void reset() {
            retiredCpu.set(0);
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            cpuAtReset.replaceAll((id, old) -> Math.max(0, threads.getThreadCpuTime(id)));
            heard.clear();
            errors.clear();
            requests.set(0);
        }

        /** CPU seconds the receiving threads used since the last reset. */
        double cpuSeconds() {
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long live = 0;
            for (Map.Entry<Long, Long> e : cpuAtReset.entrySet()) {
                long now = threads.getThreadCpuTime(e.getKey());
                if (now >= 0) {
                    live += now - e.getValue();
                }
            }
            return (retiredCpu.get() + live) / 1e9;
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
            try {
                server.close();
            } catch (IOException e) {
                // closing: nothing more to do
            }
        }
    }
}
