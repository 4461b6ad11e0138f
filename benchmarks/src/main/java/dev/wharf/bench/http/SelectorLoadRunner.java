package dev.wharf.bench.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A closed-loop load generator on one selector thread, the way {@code wrk} works: {@code connections}
 * keep-alive connections, each sending the same body-less request again as soon as the previous answer has
 * arrived, for a warm-up period (discarded) and then a measured period, checking every response.
 *
 * <p>Why not a thread per connection: the client shares the machine's two cores with
 * the server, and 64 blocking threads spend much of their CPU on context switches, so a fast server ends up
 * measuring its client. One thread multiplexing every connection costs a fraction of that. Used for blob
 * HEAD, which {@code wrk} cannot measure (it waits for a body after a HEAD answer with
 * {@code Content-Length}), and for manifest GET when {@code wrk} is not installed.
 *
 * <p>Answers must frame their body with {@code Content-Length} (or have none: HEAD, 204, 304) and keep the
 * connection open; anything else fails the run, as does an answer {@code check} rejects or no progress for
 * {@value #STALL_MILLIS} ms.
 */
public final class SelectorLoadRunner {
    static final long STALL_MILLIS = 30_000;
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Load tests read small answers; a larger body means the wrong request. */
    static final long MAX_BODY = 16L * 1024 * 1024;
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private SelectorLoadRunner() {
    }

    /** Runs the load; {@code request} must have no body. */
    public static LoadResult run(Target target, int connections, long warmupSeconds, long seconds, Request request,
                                 Consumer<Response> check) {
        return run(List.of(target), connections, warmupSeconds, seconds, request, check);
    }

    /**
     * Runs the load against several servers serving the same content, the way a round-robin balancer spreads
     * connections: connection {@code i} goes to {@code targets.get(i % targets.size())} and keeps sending there.
     * {@code request} must have no body.
     */
    public static LoadResult run(List<Target> targets, int connections, long warmupSeconds, long seconds,
                                 Request request, Consumer<Response> check) {
        if (request.body().isPresent()) {
            throw new IllegalArgumentException("the selector load runner sends body-less requests only");
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target to load");
        }
        List<byte[]> wires = new ArrayList<>();
        for (Target t : targets) {
            wires.add(HttpConnection.head(request, t.host(), t.port()));
        }
        boolean head = request.method().equals("HEAD");
        if (warmupSeconds > 0) {
            phase(targets, wires, connections, warmupSeconds, head, check);
        }
        long[] all = phase(targets, wires, connections, seconds, head, check);
        if (all.length == 0) {
            throw new BenchmarkFailure("no request completed in " + seconds + " s");
        }
        Arrays.sort(all);
        return new LoadResult(all.length, all.length / (double) seconds, Stats.percentile(all, 50) / 1e6,
                Stats.percentile(all, 99) / 1e6, "java, one selector thread");
    }

    /** One period with fresh connections; returns the latencies (ns) of the requests that completed in it. */
    private static long[] phase(List<Target> targets, List<byte[]> wires, int connections, long seconds,
                                boolean head, Consumer<Response> check) {
        LongList latencies = new LongList();
        List<Connection> open = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int i = 0; i < connections; i++) {
                Target target = targets.get(i % targets.size());
                SocketChannel ch = SocketChannel.open(new InetSocketAddress(target.host(), target.port()));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Connection c = new Connection(ch, head, wires.get(i % wires.size()));
                open.add(c);
                ch.register(selector, SelectionKey.OP_READ, c);
                c.send();
            }
            long lastProgress = System.nanoTime();
            while (System.nanoTime() < end) {
                selector.select(100);
                long now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    Response r;
                    while ((r = c.readAnswer()) != null) {
                        long done = System.nanoTime();
                        check.accept(r);
                        if (done <= end) {
                            latencies.add(done - c.sentAt);
                        }
                        lastProgress = done;
                        c.send();
                    }
                }
                selector.selectedKeys().clear();
                if (now - lastProgress > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                    throw new BenchmarkFailure("no answer for " + STALL_MILLIS + " ms");
                }
            }
        } catch (IOException e) {
            throw new BenchmarkFailure("load connection failed: " + e, e);
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        return latencies.toArray();
    }

    /** One keep-alive connection: sends the request, parses answers from its buffer. */
    static final class Connection {
        private final SocketChannel channel;
        private final boolean head;
        private final byte[] wire;
        private ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE);
        long sentAt;

        Connection(SocketChannel channel, boolean head, byte[] wire) {
            this.channel = channel;
            this.head = head;
            this.wire = wire;
        }

        /** Sends this connection's request. */
        void send() throws IOException {
            ByteBuffer out = ByteBuffer.wrap(wire);
            sentAt = System.nanoTime();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    Thread.onSpinWait(); // a few hundred bytes after a complete answer: the buffer has room
                }
            }
        }

        /** Reads what is available; returns a complete answer or null when more bytes are needed. */
        Response readAnswer() throws IOException {
            Response parsed = parse(in, head);
            if (parsed != null) {
                return parsed;
            }
            if (!in.hasRemaining()) {
                in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            }
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("server closed a keep-alive connection");
            }
            return n == 0 ? null : parse(in, head);
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after the run: nothing to do about it
            }
        }
    }

    /**
     * Parses one answer from the start of {@code buffer} (in write mode: bytes in [0, position)); on success
     * removes it from the buffer and returns it, else returns null and leaves the buffer as it was.
     */
    static Response parse(ByteBuffer buffer, boolean head) throws IOException {
        byte[] bytes = buffer.array();
        int filled = buffer.position();
        int headerEnd = indexOf(bytes, filled, HEADER_END);
        if (headerEnd < 0) {
            return null;
        }
        String[] lines = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].equals("HTTP/1.1")) {
            throw new IOException("not an HTTP/1.1 status line: " + lines[0]);
        }
        int code = Integer.parseInt(status[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + lines[i]);
            }
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        if (headers.getOrDefault("connection", List.of()).stream().anyMatch(v -> v.equalsIgnoreCase("close"))) {
            throw new IOException("server asked to close a keep-alive connection (status " + code + ")");
        }
        long length = 0;
        if (!head && code != 204 && code != 304) {
            if (headers.containsKey("transfer-encoding") || !headers.containsKey("content-length")) {
                throw new IOException("answer " + code + " is not framed by Content-Length");
            }
            length = Long.parseLong(headers.get("content-length").get(0));
        }
        int bodyStart = headerEnd + HEADER_END.length;
        if (length > MAX_BODY) {
            throw new IOException("answer body of " + length + " bytes is too large for a load test");
        }
        if (filled < bodyStart + length) {
            return null;
        }
        byte[] body = Arrays.copyOfRange(bytes, bodyStart, bodyStart + (int) length);
        int consumed = bodyStart + (int) length;
        System.arraycopy(bytes, consumed, bytes, 0, filled - consumed);
        buffer.position(filled - consumed);
        return new Response(code, headers, body, length);
    }

    private static int indexOf(byte[] bytes, int limit, byte[] needle) {
        outer:
        for (int i = 0; i <= limit - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A growable long array, so latencies cost no boxing. */
    private static final class LongList {
        private long[] values = new long[4096];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
