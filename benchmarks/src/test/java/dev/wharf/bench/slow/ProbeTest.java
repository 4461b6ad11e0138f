package dev.wharf.bench.slow;

import com.sun.net.httpserver.HttpServer;
import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.Request;
import dev.wharf.bench.http.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeTest {
    private static final byte[] MANIFEST = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    private static final long MS = 1_000_000L;

    private HttpServer server;
    private ExecutorService workers;
    private final AtomicInteger connections = new AtomicInteger();

    private Target serve(long headLength, long stallMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        workers = Executors.newFixedThreadPool(8);
        server.setExecutor(workers);
        server.createContext("/", exchange -> {
            connections.incrementAndGet();
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().add("Content-Length", Long.toString(headLength));
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, MANIFEST.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(MANIFEST);
                }
            }
            exchange.close();
        });
        server.start();
        return new Target("local", "127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        workers.shutdownNow();
    }

    private static Probe probe(Target target, double rate, long timeoutNanos) {
        return new Probe(target, new Probe.Expected(Request.of("HEAD", "/blob"), 4096, Optional.empty()),
                new Probe.Expected(Request.of("GET", "/manifest"), MANIFEST.length, Optional.of(MANIFEST)),
                rate, timeoutNanos);
    }

    @Test
    void shouldAlternateHeadAndGetOnANewConnectionEachWhenTheServerAnswers() throws Exception {
        Target target = serve(4096, 0);
        try (Probe p = probe(target, 20, 1000 * MS)) {
            long now = System.nanoTime();
            p.start(now, now + 500 * MS);
            Probe.Result r = p.finish(now + 3000 * MS);

            assertThat(r.blobHead().requests()).isBetween(4, 6);
            assertThat(r.manifestGet().requests()).isBetween(4, 6);
            assertThat(r.blobHead().failures() + r.manifestGet().failures()).isZero();
            assertThat(r.blobHead().p99Millis()).isLessThan(1000);
            assertThat(connections.get()).isEqualTo(r.blobHead().requests() + r.manifestGet().requests());
        }
    }

    @Test
    void shouldCountAStalledServerAsFailuresAtTheTimeoutAndStillStopInTime() throws Exception {
        Target target = serve(4096, 10_000);
        try (Probe p = probe(target, 10, 300 * MS)) {
            long now = System.nanoTime();
            p.start(now, now + 1000 * MS);
            Probe.Result r = p.finish(now + 2000 * MS);
            long took = System.nanoTime() - now;

            int requests = r.blobHead().requests() + r.manifestGet().requests();
            assertThat(requests).isBetween(3, 5); // one at a time, each cut off at 300 ms
            assertThat(r.blobHead().failures()).isEqualTo(r.blobHead().requests());
            assertThat(r.blobHead().timeouts()).isEqualTo(r.blobHead().requests());
            assertThat(r.blobHead().p50Millis()).isEqualTo(300.0);
            assertThat(r.manifestGet().maxMillis()).isEqualTo(300.0);
            assertThat(took).isLessThan(1600 * MS);
        }
    }

    @Test
    void shouldFailTheRunWhenA200CarriesTheWrongLength() throws Exception {
        Target target = serve(1234, 0);
        try (Probe p = probe(target, 10, 1000 * MS)) {
            long now = System.nanoTime();
            p.start(now, now + 200 * MS);
            assertThatThrownBy(() -> p.finish(now + 3000 * MS)).isInstanceOf(BenchmarkFailure.class)
                    .hasMessageContaining("Content-Length 1234");
        }
    }

    @Test
    void shouldMeasureHowSoonANewClientIsAnsweredAgain() throws Exception {
        Target target = serve(4096, 0);
        try (Probe p = probe(target, 10, 1000 * MS)) {
            assertThat(p.secondsUntilAnswered(TimeUnit.SECONDS.toNanos(2))).isLessThan(1.0);
        }
        Target nobody;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = new Target("closed", "127.0.0.1", s.getLocalPort());
        }
        try (Probe p = probe(nobody, 10, 200 * MS)) {
            assertThat(p.secondsUntilAnswered(500 * MS)).isNaN();
        }
    }
}
