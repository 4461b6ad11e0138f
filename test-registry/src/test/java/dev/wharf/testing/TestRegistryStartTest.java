package dev.wharf.testing;

import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@link TestRegistry#start(TestRegistryOptions)} with a data directory: the engine is built and its stores open on
 * a thread of their own while Jetty starts. Requests that come first wait; a failure on either side stops the other
 * and frees what it held.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TestRegistryStartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough for an answer Jetty had no reason to hold back, on a loaded machine. */
    private static final long HELD_MILLIS = 500;
    private static final byte[] BLOB = "pushed before the stores were open\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dataDirectory;

    @Test
    void shouldHoldRequestsUntilStoresAreOpenWhenTheyArriveFirst() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        int port = freePort();
        CompletableFuture<TestRegistry> starting = CompletableFuture.supplyAsync(() -> TestRegistry.start(
                TestRegistryOptions.defaults().withPort(port).withDataDirectory(dataDirectory)
                        .withEngine(engine -> await(open)))); // runs where the stores open, before they do
        try {
            URI base = awaitListening(port);
            CompletableFuture<HttpResponse<byte[]>> ping = sendAsync(HttpRequest.newBuilder(base.resolve("/v2/")));
            CompletableFuture<HttpResponse<byte[]>> push = sendAsync(HttpRequest.newBuilder(
                    base.resolve("/v2/early/push/blobs/uploads/?digest=" + Http.sha256Digest(BLOB)))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BLOB)));
            Thread.sleep(HELD_MILLIS);

            assertThat(ping).as("version check before the stores opened").isNotDone();
            assertThat(push).as("push before the stores opened").isNotDone();
            assertThat(starting).isNotDone();
            assertThat(DataLayout.metadata(dataDirectory)).doesNotExist();

            open.countDown();
            assertThat(ping.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(push.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        } finally {
            open.countDown();
            starting.get(WAIT.toSeconds(), TimeUnit.SECONDS).close();
        }
    }

    @Test
    void shouldNeverServeWaitingRequestsAndFreePortWhenStoresFailToOpen() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        int port = freePort();
        CompletableFuture<TestRegistry> starting = CompletableFuture.supplyAsync(() -> TestRegistry.start(
                TestRegistryOptions.defaults().withPort(port).withDataDirectory(dataDirectory)
                        .withEngine(engine -> {
                            await(open);
                            throw new StorageException("the disk is gone");
                        })));
        URI base = awaitListening(port);
        CompletableFuture<HttpResponse<byte[]>> ping = sendAsync(HttpRequest.newBuilder(base.resolve("/v2/")));
        Thread.sleep(HELD_MILLIS);
        assertThat(ping).isNotDone();

        open.countDown();

        assertThatThrownBy(() -> starting.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StorageException.class).hasMessage("the disk is gone");
        try {
            HttpResponse<byte[]> answer = ping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(Http.body(answer)).isEqualTo(503);
            assertThat(Http.body(answer)).contains("\"errors\"");
        } catch (ExecutionException e) { // or its connection closed as Jetty stopped: either way not served
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
        assertPortFree(port);
    }

    @Test
    void shouldReportLockedDataDirectoryAndFreePortWhenAnotherRegistryHoldsIt() throws Exception {
        int port = freePort();
        try (TestRegistry holder = TestRegistry.start(TestRegistryOptions.defaults().withDataDirectory(dataDirectory))) {
            assertThatThrownBy(() -> TestRegistry.start(
                    TestRegistryOptions.defaults().withPort(port).withDataDirectory(dataDirectory)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another");
            assertPortFree(port);
            assertThat(Http.pushBlob(holder.baseUri(), "still/serving", BLOB).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void shouldCloseStoresWhenPortIsTaken() {
        try (TestRegistry occupant = TestRegistry.start()) {
            assertThatThrownBy(() -> TestRegistry.start(
                    TestRegistryOptions.defaults().withPort(occupant.port()).withDataDirectory(dataDirectory)))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + occupant.port());
        }
        // RocksDB's lock was released with the store: the directory opens again.
        try (TestRegistry again = TestRegistry.start(TestRegistryOptions.defaults().withDataDirectory(dataDirectory))) {
            assertThat(Http.pushBlob(again.baseUri(), "opened/again", BLOB).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void shouldReportStoreFailureFirstWhenPortIsTakenToo() {
        try (TestRegistry holder = TestRegistry.start(TestRegistryOptions.defaults().withDataDirectory(dataDirectory))) {
            assertThatThrownBy(() -> TestRegistry.start(
                    TestRegistryOptions.defaults().withPort(holder.port()).withDataDirectory(dataDirectory)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another");
            assertThat(Http.get(holder.baseUri().resolve("/v2/")).statusCode()).isEqualTo(200);
        }
    }

    private static CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest.Builder request) {
        return Http.CLIENT.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the stores open");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits until Jetty accepts connections on {@code port}. */
    private static URI awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return URI.create("http://127.0.0.1:" + port);
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        return fail("nothing listened on port " + port + " within " + WAIT);
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
