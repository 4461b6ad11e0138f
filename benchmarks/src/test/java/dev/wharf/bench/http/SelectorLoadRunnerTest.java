package dev.wharf.bench.http;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelectorLoadRunnerTest {

    private static ByteBuffer buffer(String wire) {
        ByteBuffer b = ByteBuffer.allocate(1024);
        b.put(wire.getBytes(StandardCharsets.ISO_8859_1));
        return b;
    }

    @Test
    void shouldParseBackToBackAnswersAndKeepTheRest() throws IOException {
        ByteBuffer b = buffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\nX-A: 1\r\n\r\n{}HTTP/1.1 200");
        Response first = SelectorLoadRunner.parse(b, false);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.text()).isEqualTo("hello");
        Response second = SelectorLoadRunner.parse(b, false);
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.header("x-a")).contains("1");
        assertThat(second.bodyLength()).isEqualTo(2);
        assertThat(SelectorLoadRunner.parse(b, false)).isNull();
        assertThat(b.position()).isEqualTo("HTTP/1.1 200".length());
    }

    @Test
    void shouldWaitForTheWholeBodyButNotForOneAfterHead() throws IOException {
        ByteBuffer partial = buffer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel");
        assertThat(SelectorLoadRunner.parse(partial, false)).isNull();
        assertThat(partial.position()).isEqualTo(41);
        Response head = SelectorLoadRunner.parse(buffer("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n"), true);
        assertThat(head.header("Content-Length")).contains("4096");
        assertThat(head.bodyLength()).isZero();
    }

    @Test
    void shouldRefuseAnswersItCannotFrameOrThatCloseTheConnection() {
        assertThatThrownBy(() -> SelectorLoadRunner.parse(
                buffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), false))
                .isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> SelectorLoadRunner.parse(
                buffer("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), false))
                .isInstanceOf(IOException.class).hasMessageContaining("close");
        assertThatThrownBy(() -> SelectorLoadRunner.parse(buffer("HTTP/1.0 200 OK\r\n\r\n"), true))
                .isInstanceOf(IOException.class);
    }

    @Test
    void shouldDriveEveryConnectionAndCheckEveryAnswerWhenServerAnswers() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicLong served = new AtomicLong();
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        try {
            Target target = new Target("test", "127.0.0.1", server.getAddress().getPort());
            AtomicLong checked = new AtomicLong();
            LoadResult r = SelectorLoadRunner.run(target, 4, 0, 1, Request.of("GET", "/x"), response -> {
                assertThat(response.text()).isEqualTo("hello");
                checked.incrementAndGet();
            });
            assertThat(r.requests()).isPositive().isLessThanOrEqualTo(checked.get());
            assertThat(served.get()).isGreaterThanOrEqualTo(checked.get());
            assertThat(r.p99Millis()).isPositive();
            assertThatThrownBy(() -> SelectorLoadRunner.run(target, 2, 0, 1, Request.of("GET", "/x"), response -> {
                throw new BenchmarkFailure("wrong answer");
            })).isInstanceOf(BenchmarkFailure.class).hasMessage("wrong answer");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldSpreadConnectionsOverEveryTargetWhenGivenSeveral() throws IOException {
        List<HttpServer> servers = new ArrayList<>();
        List<AtomicLong> served = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                AtomicLong count = new AtomicLong();
                String name = "node" + i;
                server.createContext("/", exchange -> {
                    count.incrementAndGet();
                    byte[] body = name.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                server.setExecutor(Executors.newFixedThreadPool(2));
                server.start();
                servers.add(server);
                served.add(count);
            }
            List<Target> targets = servers.stream()
                    .map(s -> new Target("test", "127.0.0.1", s.getAddress().getPort())).toList();
            Set<String> answeredBy = ConcurrentHashMap.newKeySet();
            LoadResult r = SelectorLoadRunner.run(targets, 6, 0, 1, Request.of("GET", "/x"),
                    response -> answeredBy.add(response.text()));
            assertThat(r.requests()).isPositive();
            assertThat(answeredBy).containsExactlyInAnyOrder("node0", "node1", "node2");
            assertThat(served).allSatisfy(count -> assertThat(count.get()).isPositive());
            assertThatThrownBy(() -> SelectorLoadRunner.run(List.of(), 1, 0, 1, Request.of("GET", "/x"), response -> {
            })).isInstanceOf(IllegalArgumentException.class);
        } finally {
            servers.forEach(s -> s.stop(0));
        }
    }
}
