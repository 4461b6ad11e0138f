package dev.wharf.bench.http;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook's receiver: answers 204, verifies signatures, keeps the ids and types it heard. A lean HTTP/1.1
 * server of its own (a thread per connection, blocking reads, keep-alive, {@code Content-Length} bodies only,
 * as the launcher sends them), so that the cores it shares with the launcher on one machine go to the
 * launcher's work, not to a server framework's: a receiver elsewhere would cost the launcher nothing.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final long DELIVERY_DEADLINE_SECONDS = 120;
    private static final byte[] ID_FIELD = "\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE_FIELD = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBJECT_FIELD = "\"subject\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUOTE = {'"'};
    private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    final byte[] key;
    private final ServerSocket server;
    private final Map<String, String> heard = new ConcurrentHashMap<>();
    private final Set<String> errors = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    /** {@link System#nanoTime()} of the last request received. */
    private final AtomicLong lastRequest = new AtomicLong(System.nanoTime());
    /** One keyed HMAC per receiving thread, as a receiver that verifies many requests would keep. */
    private final ThreadLocal<Mac> mac;
    /** CPU nanoseconds of connection threads that ended since the last reset, and of live ones at reset. */
    private final AtomicLong retiredCpu = new AtomicLong();
    private final Map<Long, Long> cpuAtReset = new ConcurrentHashMap<>();

    private WebhookReceiver(ServerSocket server, byte[] key) {
        this.server = server;
        this.key = key;
        this.mac = ThreadLocal.withInitial(() -> mac(key));
    }

    static WebhookReceiver start() {
        byte[] key = HexFormat.of().formatHex(new SecureRandom().generateSeed(32)).getBytes(StandardCharsets.US_ASCII);
        ServerSocket socket;
        try {
            socket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot start the webhook receiver: " + e, e);
        }
        WebhookReceiver r = new WebhookReceiver(socket, key);
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
            retiredCpu.addAndGet(ManagementFactory.getThreadMXBean()
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
        var threads = ManagementFactory.getThreadMXBean();
        cpuAtReset.replaceAll((id, old) -> Math.max(0, threads.getThreadCpuTime(id)));
        heard.clear();
        errors.clear();
        requests.set(0);
    }

    /** CPU seconds the receiving threads used since the last reset. */
    double cpuSeconds() {
        var threads = ManagementFactory.getThreadMXBean();
        long live = 0;
        for (Map.Entry<Long, Long> e : cpuAtReset.entrySet()) {
            long now = threads.getThreadCpuTime(e.getKey());
            if (now >= 0) {
                live += now - e.getValue();
            }
        }
        return (retiredCpu.get() + live) / 1e9;
    }

    /** {@link System#nanoTime()} when the last request came. */
    long lastRequestNanos() {
        return lastRequest.get();
    }

    long events() {
        return heard.size();
    }

    private void accept(byte[] body, String signature) {
        requests.incrementAndGet();
        lastRequest.set(System.nanoTime());
        String expected = "sha256=" + HexFormat.of().formatHex(mac.get().doFinal(body));
        if (!expected.equals(signature)) {
            errors.add("a request with signature " + signature + ", expected " + expected);
            return;
        }
        // One event, or a batch (a JSON array) of them, as the launcher writes them (compact JSON): each event's
        // fields lie between its "id" and the next one's. Scanned as bytes rather than decoded and matched as
        // text: the receiver's CPU is spent on the cores the launcher is measured on.
        int at = indexOf(body, ID_FIELD, 0);
        if (at < 0) {
            errors.add("a request without an id: " + new String(body, StandardCharsets.UTF_8));
            return;
        }
        while (at >= 0) {
            int idStart = at + ID_FIELD.length;
            int idEnd = indexOf(body, QUOTE, idStart);
            int next = idEnd < 0 ? -1 : indexOf(body, ID_FIELD, idEnd);
            int end = next < 0 ? body.length : next;
            String type = stringField(body, TYPE_FIELD, idEnd, end);
            if (idEnd < 0 || type == null) {
                errors.add("an event without an id or type: " + new String(body, at, end - at, StandardCharsets.UTF_8));
                return;
            }
            String subject = stringField(body, SUBJECT_FIELD, idEnd, end);
            heard.put(new String(body, idStart, idEnd - idStart, StandardCharsets.US_ASCII),
                    subject == null ? type : type + " " + subject);
            at = next;
        }
    }

    /** The string value of {@code field} ({@code "name":"}) between {@code from} and {@code to}, or null. */
    private static String stringField(byte[] body, byte[] field, int from, int to) {
        int at = from < 0 ? -1 : indexOf(body, field, from, to);
        if (at < 0) {
            return null;
        }
        int start = at + field.length;
        int end = indexOf(body, QUOTE, start);
        return end < 0 || end > to ? null : new String(body, start, end - start, StandardCharsets.UTF_8);
    }

    /** Where {@code pattern} starts in {@code body} at or after {@code from}, or -1. */
    static int indexOf(byte[] body, byte[] pattern, int from) {
        return indexOf(body, pattern, from, body.length);
    }

    /** Where {@code pattern} starts in {@code body} at or after {@code from} and before {@code to}, or -1. */
    static int indexOf(byte[] body, byte[] pattern, int from, int to) {
        byte first = pattern[0];
        for (int i = Math.max(0, from), last = Math.min(to, body.length - pattern.length + 1) - 1; i <= last; i++) {
            if (body[i] != first) {
                continue;
            }
            int j = 1;
            while (j < pattern.length && body[i + j] == pattern[j]) {
                j++;
            }
            if (j == pattern.length) {
                return i;
            }
        }
        return -1;
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

    /**
     * Waits until no request has come for {@code quietMillis}: the end of a backlog whose size is not known (the
     * warm-up's events). Fails on a bad signature, or when requests keep coming past the delivery deadline.
     */
    void awaitQuiet(long quietMillis) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DELIVERY_DEADLINE_SECONDS);
        while (System.nanoTime() - lastRequest.get() < TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
            if (!errors.isEmpty()) {
                throw new BenchmarkFailure("webhook receiver: " + errors.iterator().next());
            }
            if (System.nanoTime() > deadline) {
                throw new BenchmarkFailure("the webhook did not go quiet within " + DELIVERY_DEADLINE_SECONDS + " s");
            }
            try {
                Thread.sleep(Math.max(1, quietMillis / 10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkFailure("interrupted waiting for the webhook");
            }
        }
        if (!errors.isEmpty()) {
            throw new BenchmarkFailure("webhook receiver: " + errors.iterator().next());
        }
    }

    static String hmac(byte[] key, byte[] body) {
        return HexFormat.of().formatHex(mac(key).doFinal(body));
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
