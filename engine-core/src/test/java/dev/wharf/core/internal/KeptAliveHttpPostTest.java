package dev.wharf.core.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook's kept-alive client against the JDK's HTTP server and against scripted answers on a raw socket. */
class KeptAliveHttpPostTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void shouldPostEveryRequestOverOneConnectionWhateverTheAnswersFraming() throws IOException {
        Scripted server = scripted(n -> switch (n % 4) {
            case 0 -> "HTTP/1.1 204 No Content\r\n\r\n";
            case 1 -> "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nreceived";
            case 2 -> "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nrece\r\n4\r\nived\r\n0\r\nTrailer: x\r\n\r\n";
            default -> "HTTP/1.1 200 OK\r\ncontent-length:  0\r\nConnection: keep-alive\r\n\r\n";
        }, false);
        KeptAliveHttpPost post = client(URI.create(server.url() + "?a=1"), Duration.ofSeconds(5));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(post.post(Map.of("X-Test", "n" + i), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(statuses).containsOnly(204, 200, 202).hasSize(30);
        assertThat(server.bodies).hasSize(30).startsWith("{\"n\":0}").endsWith("{\"n\":29}");
        assertThat(server.heads.get(0)).startsWith("POST /hook?a=1 HTTP/1.1\r\nHost: 127.0.0.1:")
                .contains("\r\nX-Test: n0\r\n", "\r\nContent-Length: 7\r\n");
        assertThat(server.connections.get()).as("one connection for every request").isEqualTo(1);
        assertThat(post.connected()).isTrue();
    }

    @Test
    void shouldSendAgainOnANewConnectionWhenTheReceiverClosedTheIdleOne() throws IOException {
        // answers each connection's first request, then closes it without saying so
        Scripted server = scripted(n -> "HTTP/1.1 204 No Content\r\n\r\n", true);
        KeptAliveHttpPost post = client(server.url(), Duration.ofSeconds(5));
        assertThat(post.post(Map.of(), bytes("one"))).isEqualTo(204);
        assertThat(post.post(Map.of(), bytes("two"))).isEqualTo(204);
        assertThat(post.post(Map.of(), bytes("three"))).isEqualTo(204);
        assertThat(server.bodies).containsExactly("one", "two", "three");
        assertThat(server.connections.get()).isEqualTo(3);
    }

    @Test
    void shouldCloseTheConnectionWhenTheAnswerSaysSoOrHasNoLength() throws IOException {
        Scripted server = scripted(n -> switch (n) {
            case 0 -> "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
            case 1 -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
            case 2 -> "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
            default -> "HTTP/1.1 200 OK\r\n\r\nread to the end";
        }, false);
        KeptAliveHttpPost post = client(server.url(), Duration.ofSeconds(5));
        assertThat(post.post(Map.of(), bytes("a"))).isEqualTo(200);
        assertThat(post.connected()).as("Connection: close").isFalse();
        assertThat(post.post(Map.of(), bytes("b"))).as("after an interim 100").isEqualTo(201);
        assertThat(post.connected()).isTrue();
        assertThat(post.post(Map.of(), bytes("c"))).isEqualTo(200);
        assertThat(post.connected()).as("HTTP/1.0 without keep-alive").isFalse();
        assertThat(post.post(Map.of(), bytes("d"))).isEqualTo(200);
        assertThat(post.connected()).as("a body framed by the end of the connection").isFalse();
        assertThat(server.bodies).containsExactly("a", "b", "c", "d");
    }

    @Test
    void shouldReturnErrorStatusesAndFailOnSilenceOrGarbageWhenTheReceiverMisbehaves() throws IOException {
        Scripted failing = scripted(n -> n == 0 ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nbad"
                : "garbage\r\n\r\n", false);
        KeptAliveHttpPost post = client(failing.url(), Duration.ofSeconds(5));
        assertThat(post.post(Map.of(), bytes("x"))).isEqualTo(500);
        assertThatThrownBy(() -> post.post(Map.of(), bytes("y"))).isInstanceOf(IOException.class)
                .hasMessageContaining("status line");
        assertThat(post.connected()).isFalse();

        Scripted silent = scripted(n -> null, false);
        KeptAliveHttpPost waiting = client(silent.url(), Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> waiting.post(Map.of(), bytes("z"))).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        assertThatThrownBy(() -> post.post(Map.of("X-Bad", "a\r\nInjected: 1"), bytes("w")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSuitDirectPlainHttpOnly() {
        assertThat(KeptAliveHttpPost.suits(URI.create("http://127.0.0.1:8080/hook"))).isTrue();
        assertThat(KeptAliveHttpPost.suits(URI.create("http://hooks.example/x?y=1"))).isTrue();
        assertThat(KeptAliveHttpPost.suits(URI.create("https://hooks.example/x"))).isFalse();
        assertThat(KeptAliveHttpPost.suits(URI.create("http://user:pw@hooks.example/x"))).isFalse();
        assertThatThrownBy(() -> new KeptAliveHttpPost(URI.create("https://hooks.example/x"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private KeptAliveHttpPost client(URI url, Duration timeout) {
        KeptAliveHttpPost post = new KeptAliveHttpPost(url, timeout);
        closing.add(post);
        return post;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A server on a raw socket that answers its n-th request (over all connections) with {@code answer.apply(n)}
     * verbatim, or not at all when that is null; {@code closeAfterEach} closes each connection after its answer.
     */
    private Scripted scripted(IntFunction<String> answer, boolean closeAfterEach) throws IOException {
        ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Scripted server = new Scripted(socket);
        closing.add(socket);
        Thread accepting = new Thread(() -> {
            AtomicInteger requests = new AtomicInteger();
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    server.connections.incrementAndGet();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        String[] request = readRequest(in);
                        if (request == null) {
                            break;
                        }
                        server.heads.add(request[0]);
                        server.bodies.add(request[1]);
                        String a = answer.apply(requests.getAndIncrement());
                        if (a == null) {
                            Thread.sleep(2000);
                            break;
                        }
                        out.write(a.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        String lower = a.toLowerCase(java.util.Locale.ROOT);
                        if (closeAfterEach || lower.contains("connection: close") || a.startsWith("HTTP/1.0")
                                || !lower.contains("content-length") && !lower.contains("chunked")
                                && !a.contains(" 204 ")) {
                            break;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the test, or the client went away
                }
            }
        });
        accepting.setDaemon(true);
        accepting.start();
        return server;
    }

    /** Reads one request's head and its Content-Length body; null at the end of the connection. */
    private static String[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                return new String[] {text, new String(in.readNBytes(length), StandardCharsets.UTF_8)};
            }
        }
        return null;
    }

    /** What a scripted server saw. */
    private static final class Scripted {
        final ServerSocket socket;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();

        Scripted(ServerSocket socket) {
            this.socket = socket;
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }
    }
}
