package dev.wharf.bench.slow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.HttpConnection;
import dev.wharf.bench.http.PatternBlob;
import dev.wharf.bench.http.Request;
import dev.wharf.bench.http.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The selector loop against a small local server: about a second per test. */
class SlowClientLoopTest {
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(50);
    private static final PatternBlob BLOB = new PatternBlob(4L << 20, 7);

    private HttpServer server;
    private ExecutorService workers;

    private Target serve(String path, HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        workers = Executors.newFixedThreadPool(16);
        server.setExecutor(workers);
        server.createContext(path, handler);
        server.start();
        return new Target("local", "127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
            workers.shutdownNow();
        }
    }

    private static void sendBlob(HttpExchange exchange, PatternBlob blob) throws IOException {
        exchange.sendResponseHeaders(200, blob.size());
        try (OutputStream out = exchange.getResponseBody()) {
            blob.body().writeTo(out); // blocks while the client reads slowly; fails when it closes
        } catch (IOException closedByClient) {
            // expected at the end of every run
        }
    }

    private static SlowLoadResult downloads(Target target, int clients, long rate, long millis) throws IOException {
        byte[] request = HttpConnection.head(Request.of("GET", "/blob"), target.host(), target.port());
        return SlowClientLoop.run(target, clients, i -> new DownloadClient(request, BLOB, "local", rate, TICK),
                new SlowClientLoop.Pacing(TICK, 32 * 1024),
                SlowClientLoop.Schedule.until(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis)),
                TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void shouldReadNoFasterThanTheRateWhenTheServerCouldSendMuchMore() throws IOException {
        Target target = serve("/blob", exchange -> sendBlob(exchange, BLOB));
        long rate = 64 * 1024;

        SlowLoadResult r = downloads(target, 4, rate, 1000);

        assertThat(r.connected()).isEqualTo(4);
        assertThat(r.answered()).isEqualTo(4);
        assertThat(r.withBytes()).isEqualTo(4);
        assertThat(r.movingAtEnd()).isEqualTo(4);
        assertThat(r.dropped()).isZero();
        // Unlimited, each would have read the whole 4 MiB blob within the second.
        assertThat(r.bodyBytes()).isLessThanOrEqualTo((long) (4 * rate * r.seconds()));
        assertThat(r.bodyBytes()).isGreaterThan(4 * rate / 2);
        assertThat(r.completed()).isZero();
        assertThat(r.ticks()).isBetween(15L, 22L); // 50 ms ticks for a second
    }

    @Test
    void shouldFailTheRunWhenTheServerSendsOtherBytes() throws IOException {
        Target target = serve("/blob", exchange -> sendBlob(exchange, new PatternBlob(BLOB.size(), 8)));

        assertThatThrownBy(() -> downloads(target, 2, 64 * 1024, 500)).isInstanceOf(BenchmarkFailure.class)
                .hasMessageContaining("differ from the blob at byte 0");
    }

    @Test
    void shouldCountClientsTurnedAwayByStatusAndThoseNeverAnswered() throws IOException {
        AtomicLong seen = new AtomicLong();
        Target target = serve("/blob", exchange -> {
            if (seen.incrementAndGet() % 2 == 0) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
            } else {
                try {
                    Thread.sleep(10_000); // never answers within the run
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });

        SlowLoadResult r = downloads(target, 6, 64 * 1024, 500);

        assertThat(r.connected()).isEqualTo(6);
        assertThat(r.refused()).containsEntry(503, 3);
        assertThat(r.waiting()).isEqualTo(3);
        assertThat(r.answered()).isZero();
        assertThat(r.bodyBytes()).isZero();
    }

    @Test
    void shouldCountConnectionsThatCannotBeMade() throws IOException {
        Target nobody;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = new Target("closed", "127.0.0.1", s.getLocalPort());
        }

        SlowLoadResult r = downloads(nobody, 3, 1024, 300);

        assertThat(r.connectFailed()).isEqualTo(3);
        assertThat(r.connected()).isZero();
    }

    @Test
    void shouldTrickleTheUploadBodyAtTheRateAfterOpeningASession() throws IOException {
        AtomicLong received = new AtomicLong();
        AtomicReference<String> patched = new AtomicReference<>();
        Target target = serve("/v2/", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Location", "/v2/r/blobs/uploads/s1?state=x");
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
                return;
            }
            patched.set(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Range") + " "
                    + exchange.getRequestHeaders().getFirst("Content-Length"));
            try (InputStream in = exchange.getRequestBody()) {
                while (in.read() >= 0) {
                    received.incrementAndGet();
                }
            } catch (IOException closedByClient) {
                // expected at the end of the run
            }
        });
        long rate = 40;

        SlowLoadResult r = SlowClientLoop.run(target, 3,
                i -> new UploadClient(target.host(), target.port(), "r", 1 << 20, rate, TICK, "local"),
                new SlowClientLoop.Pacing(TICK, 0),
                SlowClientLoop.Schedule.until(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000)),
                TimeUnit.MILLISECONDS.toNanos(500));

        assertThat(patched.get()).isEqualTo("PATCH /v2/r/blobs/uploads/s1?state=x 0-1048575 1048576");
        assertThat(r.answered()).isEqualTo(3);
        assertThat(r.withBytes()).isEqualTo(3);
        assertThat(r.bodyBytes()).isBetween(3 * rate / 2, (long) (3 * rate * r.seconds()) + 3);
        assertThat(received.get()).isLessThanOrEqualTo(r.bodyBytes());
        assertThat(r.refusedTotal()).isZero();
    }

    @Test
    void shouldCountAnEarlyAnswerToTheTricklingPatchAsTurnedAway() throws IOException {
        Target target = serve("/v2/", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/v2/r/blobs/uploads/s1");
                exchange.sendResponseHeaders(202, -1);
            } else {
                exchange.sendResponseHeaders(413, -1); // without reading the body
            }
            exchange.close();
        });

        SlowLoadResult r = SlowClientLoop.run(target, 2,
                i -> new UploadClient(target.host(), target.port(), "r", 1 << 20, 40, TICK, "local"),
                new SlowClientLoop.Pacing(TICK, 0),
                SlowClientLoop.Schedule.until(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)),
                TimeUnit.MILLISECONDS.toNanos(500));

        assertThat(r.answered()).isEqualTo(2);
        assertThat(r.refused()).containsEntry(413, 2);
    }

    @Test
    void shouldHoldPastTheDeadlineOnlyWhileAskedAndNeverPastTheHardOne() {
        long t = 1_000_000_000L;
        boolean[] hold = {true};
        SlowClientLoop.Schedule s = new SlowClientLoop.Schedule(t, t + 500, () -> hold[0]);
        assertThat(s.over(t - 1)).isFalse();
        assertThat(s.over(t)).isFalse();
        hold[0] = false;
        assertThat(s.over(t)).isTrue();
        hold[0] = true;
        assertThat(s.over(t + 500)).isTrue();
        assertThat(SlowClientLoop.Schedule.until(t).over(t)).isTrue();
        assertThatThrownBy(() -> new SlowClientLoop.Schedule(t, t - 1, () -> false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRampConnectionsAtAThousandASecond() {
        SlowClientLoop.Pacing p = new SlowClientLoop.Pacing(TICK, 0);
        assertThat(p.connectsPerTick()).isEqualTo(50);
        assertThat(p.rampNanos(1000)).isEqualTo(20 * TICK);
        assertThat(p.rampNanos(1)).isEqualTo(TICK);
    }
}
