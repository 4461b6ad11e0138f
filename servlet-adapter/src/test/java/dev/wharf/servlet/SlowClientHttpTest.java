package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.api.Digest;
import dev.wharf.api.Registry;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RawHttp;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ForwardingBlobStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Slow, stalled and vanishing clients on every container: bodies move with non-blocking I/O (no container
 * thread waits in the servlet while clients trickle), stalled and crawling bodies are cut by the
 * {@link TransferLimits} with the session keeping its acknowledged range, a client that disconnects mid-body
 * leaves the session as it was, slow readers get every byte, and the upload caps answer 429 with
 * {@code Retry-After}.
 */
class SlowClientHttpTest {
    private static final String REPO = "slow/app";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Frames that only a thread serving a blob body would have on its stack. */
    private static final List<String> BODY_FRAMES = List.of(RequestBody.class.getName(), BodyReceiver.class.getName(),
            BlobSender.class.getName(), UploadHandler.class.getName(), BlobHandler.class.getName());

    /** Generous limits, so only what a test provokes is cut. */
    private static final TransferLimits RELAXED = TransferLimits.defaults();

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldHoldNoThreadWhileManyUploadsTrickleAndKeepAnswering(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = container.start(Registry.builder().build(), null, RELAXED)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            List<RawClient> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    String location = http.startUpload(REPO);
                    RawClient client = RawClient.open(server.baseUri());
                    client.sendHead("PATCH", location, Map.of("Content-Length", "1000", "Content-Range", "0-999",
                            "Content-Type", "application/octet-stream"));
                    client.send(new byte[10]);
                    trickling.add(client);
                }
                Thread.sleep(300); // every body has been taken up by the servlet
                for (RawClient client : trickling) {
                    client.send(new byte[5]);
                }
                assertThat(threadsServingBodies()).as("no container thread waits in the servlet for a slow body")
                        .isEmpty();
                long started = System.nanoTime();
                assertStatus(http.get("/v2/"), 200);
                String digest = http.pushBlob(REPO, Content.randomBytes(5000));
                assertStatus(http.head("/v2/" + REPO + "/blobs/" + digest), 200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("others are served meanwhile")
                        .isLessThan(Duration.ofSeconds(5));
            } finally {
                trickling.forEach(RawClient::close);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldCutAStalledUploadAndKeepTheAcknowledgedRange(ContainerUnderTest container) throws Exception {
        TransferLimits limits = TransferLimits.defaults().withIdleTimeout(Duration.ofMillis(800))
                .withMinimumDataRate(0, Duration.ofSeconds(30));
        try (RegistryServer server = container.start(Registry.builder().build(), null, limits)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(6000);
            String location = acknowledgeFirst(http, blob, 1000);

            try (RawClient stalled = RawClient.open(server.baseUri())) {
                stalled.sendHead("PATCH", location, Map.of("Content-Length", "5000", "Content-Range", "1000-5999",
                        "Content-Type", "application/octet-stream"));
                stalled.send(Arrays.copyOfRange(blob, 1000, 1100));
                RawResponse cut = stalled.readResponse(Duration.ofSeconds(10));
                assertThat(cut.status()).as(cut::toString).isEqualTo(408);
                assertThat(cut.code()).isEqualTo("BLOB_UPLOAD_INVALID");
                assertThat(cut.message()).contains("no data moved").contains("acknowledged");
                assertThat(cut.header("connection")).as("the rest of the body will not be read").contains("close");
            }
            assertFinishes(http, location, blob, 1000);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldCutAnUploadSlowerThanTheMinimumRate(ContainerUnderTest container) throws Exception {
        TransferLimits limits = TransferLimits.defaults().withIdleTimeout(Duration.ofSeconds(30))
                .withMinimumDataRate(2000, Duration.ofMillis(600));
        try (RegistryServer server = container.start(Registry.builder().build(), null, limits)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(6000);
            String location = acknowledgeFirst(http, blob, 1000);

            try (RawClient crawling = RawClient.open(server.baseUri())) {
                crawling.sendHead("PATCH", location, Map.of("Content-Length", "5000", "Content-Range", "1000-5999",
                        "Content-Type", "application/octet-stream"));
                RawResponse cut = null;
                for (int i = 0; i < 100 && cut == null; i++) { // about 100 bytes/s, never idle for long
                    try {
                        crawling.send(Arrays.copyOfRange(blob, 1000 + i * 10, 1010 + i * 10));
                    } catch (IOException closedByServer) {
                        break;
                    }
                    cut = crawling.pollResponse(Duration.ofMillis(100));
                }
                if (cut == null) {
                    cut = crawling.readResponse(Duration.ofSeconds(5));
                }
                assertThat(cut.status()).as(cut::toString).isEqualTo(408);
                assertThat(cut.message()).contains("below the minimum of 2000 bytes/s");
            }
            assertFinishes(http, location, blob, 1000);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRollBackWhenTheClientDisconnectsMidBody(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = container.start(Registry.builder().build(), null, RELAXED)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(300_000);
            String location = acknowledgeFirst(http, blob, 1000);
            try (RawClient vanishing = RawClient.open(server.baseUri())) {
                vanishing.sendHead("PATCH", location, Map.of("Content-Length", "299000", "Content-Range",
                        "1000-299999", "Content-Type", "application/octet-stream"));
                vanishing.send(Arrays.copyOfRange(blob, 1000, 150_000));
                Thread.sleep(200);
            } // closed mid-body
            assertFinishes(http, location, blob, 1000);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldServeASlowReaderEveryByteWithoutHoldingAThread(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = container.start(Registry.builder().build(), null, RELAXED)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(6 * 1024 * 1024);
            String digest = http.pushBlob(REPO, blob);
            try (RawClient slow = RawClient.open(server.baseUri(), 16 * 1024)) {
                slow.sendHead("GET", "/v2/" + REPO + "/blobs/" + digest, Map.of());
                Thread.sleep(500); // the socket buffers fill; the server waits for the client
                assertThat(threadsServingBodies()).as("no container thread waits on a slow reader").isEmpty();
                RawResponse response = slow.readResponse(Duration.ofSeconds(30));
                assertThat(response.status()).isEqualTo(200);
                assertThat(Content.sha256(response.body())).isEqualTo(digest);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldCutAReaderThatStopsReadingAndLeaveTheBlobIntact(ContainerUnderTest container) throws Exception {
        TransferLimits limits = TransferLimits.defaults().withIdleTimeout(Duration.ofMillis(800));
        try (RegistryServer server = container.start(Registry.builder().build(), null, limits)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(16 * 1024 * 1024);
            String digest = http.pushBlob(REPO, blob);
            try (RawClient stopped = RawClient.open(server.baseUri(), 16 * 1024)) {
                stopped.sendHead("GET", "/v2/" + REPO + "/blobs/" + digest, Map.of());
                Thread.sleep(2500); // reads nothing: the server's writes stall and the idle timeout cuts them
                RawResponse partial = stopped.readResponse(Duration.ofSeconds(10));
                assertThat(partial.status()).isEqualTo(200);
                assertThat(partial.body().length).as("the connection was closed short of Content-Length")
                        .isLessThan(blob.length);
            }
            assertThat(Content.sha256(http.get("/v2/" + REPO + "/blobs/" + digest).body())).isEqualTo(digest);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldSendFileBlobsThroughMappedWindowsAndUnmapEveryWindowSentWhole(ContainerUnderTest container,
            @TempDir Path blobRoot) throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "the test counts the blob files' mappings in /proc/self/maps (Linux)");
        Registry registry = Registry.builder().blobStore(new FileSystemBlobStore(blobRoot)).build();
        sendThroughHeldBuffers(container, registry, waiting -> {
            if (container != ContainerUnderTest.UNDERTOW) {
                assertThat(mappingsOf(maps, blobRoot, waiting)).as("the waiting body is sent from a mapped window")
                        .isNotEmpty();
            }
        }, sentWhole -> assertThat(mappingsOf(maps, blobRoot, sentWhole))
                .as("windows of bodies sent whole are unmapped at once, not left to the collector").isEmpty());
    }

    /** The lines of {@code maps} that map a file under {@code blobRoot} of one of {@code digests}. */
    private static List<String> mappingsOf(Path maps, Path blobRoot, List<String> digests) throws IOException {
        return Files.readAllLines(maps).stream().filter(line -> line.contains(blobRoot.toString())
                && digests.stream().anyMatch(digest -> line.contains(digest.substring("sha256:".length())))).toList();
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldSendChannelBlobsThroughPooledDirectBuffersAndGiveEveryBufferBack(ContainerUnderTest container,
            @TempDir Path blobRoot) throws Exception {
        // A store whose streams are channels that cannot be mapped, as a vendor's store may give.
        BlobStore channels = new ForwardingBlobStore(new FileSystemBlobStore(blobRoot)) {
            @Override
            public Optional<InputStream> open(Digest digest, long offset, long length) {
                return super.open(digest, offset, length).map(ChannelOnlyStream::new);
            }
        };
        sendThroughHeldBuffers(container, Registry.builder().blobStore(channels).build(), waiting -> { },
                sentWhole -> { });
    }

    /** A store's stream seen only as an {@link InputStream} and a {@link ReadableByteChannel}. */
    private static final class ChannelOnlyStream extends java.io.FilterInputStream implements ReadableByteChannel {
        ChannelOnlyStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ((ReadableByteChannel) in).read(dst);
        }

        @Override
        public boolean isOpen() {
            return ((ReadableByteChannel) in).isOpen();
        }
    }

    /**
     * Pulls large blobs from {@code registry} slowly, cut and concurrently (whole and ranged), and checks that
     * each body holds one place in {@link ByteBufferWrites}'s limit where the container allows direct writes,
     * that every place comes back, and that no reused buffer carries another blob's bytes. {@code whileSlow} runs
     * with the digest of the blob a slow client is being sent, while its body waits on the client; {@code afterWhole}
     * runs with the digests of the blobs whose every body ended whole, once those bodies have; the blob of the
     * body cut with a write pending is never among them, as its window is left to the garbage collector.
     */
    private static void sendThroughHeldBuffers(ContainerUnderTest container, Registry registry, Check whileSlow,
                                               Check afterWhole) throws Exception {
        TransferLimits limits = TransferLimits.defaults().withIdleTimeout(Duration.ofMillis(800));
        try (RegistryServer server = container.start(registry, null, limits)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            List<byte[]> blobs = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                blobs.add(Content.randomBytes(16 * 1024 * 1024 + i * 1000));
                digests.add(http.pushBlob(REPO, blobs.get(i)));
            }
            int heldBefore = ByteBufferWrites.held();

            try (RawClient slow = RawClient.open(server.baseUri(), 16 * 1024)) {
                slow.sendHead("GET", "/v2/" + REPO + "/blobs/" + digests.get(0), Map.of());
                Thread.sleep(400); // the socket buffers fill while a write waits on the client
                assertThat(ByteBufferWrites.held()).as("the waiting body holds one direct buffer where the container"
                        + " allows it").isEqualTo(heldBefore + (container == ContainerUnderTest.UNDERTOW ? 0 : 1));
                whileSlow.run(List.of(digests.get(0)));
                RawResponse response = slow.readResponse(Duration.ofSeconds(30));
                assertThat(Content.sha256(response.body())).isEqualTo(digests.get(0));
            }
            awaitHeld(heldBefore, "a body sent whole gives its buffer back");
            afterWhole.run(List.of(digests.get(0)));

            try (RawClient stopped = RawClient.open(server.baseUri(), 16 * 1024)) {
                stopped.sendHead("GET", "/v2/" + REPO + "/blobs/" + digests.get(1), Map.of());
                Thread.sleep(2500); // the idle timeout cuts it with a write pending
                assertThat(stopped.readResponse(Duration.ofSeconds(10)).body().length).isLessThan(blobs.get(1).length);
            }
            awaitHeld(heldBefore, "a cut body gives up its buffer");

            // Buffers reused across pulls carry only their own blob's bytes, whole and ranged.
            List<Thread> pullers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                int which = t % blobs.size();
                boolean ranged = t >= blobs.size();
                pullers.add(new Thread(() -> {
                    try {
                        for (int round = 0; round < 3; round++) {
                            String path = "/v2/" + REPO + "/blobs/" + digests.get(which);
                            if (ranged) {
                                Response part = http.get(path, "Range", "bytes=1000-2000999");
                                assertThat(part.status()).isEqualTo(206);
                                assertThat(part.body()).isEqualTo(Arrays.copyOfRange(blobs.get(which), 1000, 2001000));
                            } else {
                                assertThat(Content.sha256(http.get(path).body())).isEqualTo(digests.get(which));
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            pullers.forEach(Thread::start);
            for (Thread puller : pullers) {
                puller.join(60_000);
            }
            assertThat(failures).isEmpty();
            awaitHeld(heldBefore, "concurrent pulls give every buffer back");
            afterWhole.run(List.of(digests.get(0), digests.get(2), digests.get(3)));
        }
    }

    /** A check of some blobs, named by digest; it may throw. */
    private interface Check {
        void run(List<String> digests) throws Exception;
    }

    /** Waits up to five seconds for {@link ByteBufferWrites#held()} to come back to {@code expected}. */
    private static void awaitHeld(int expected, String why) throws InterruptedException {
        for (int i = 0; i < 50 && ByteBufferWrites.held() != expected; i++) {
            Thread.sleep(100);
        }
        assertThat(ByteBufferWrites.held()).as(why).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseUploadsBeyondTheCapsWithRetryAfter(ContainerUnderTest container) throws Exception {
        TransferLimits limits = TransferLimits.defaults().withMaxUploads(3, 2).withRetryAfter(Duration.ofSeconds(7));
        try (RegistryServer server = container.start(Registry.builder().build(), PolicyHttpTest.TEST_USER, limits)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            List<RawClient> open = new ArrayList<>();
            try {
                open.add(trickle(server.baseUri(), http, "alice"));
                open.add(trickle(server.baseUri(), http, "alice"));
                Response perCaller = patchWhole(http, "alice");
                assertThat(perCaller.status()).as(perCaller::describe).isEqualTo(429);
                assertThat(perCaller.header("Retry-After")).contains("7");
                assertThat(perCaller.json().path("errors").path(0).path("code").asText()).isEqualTo("TOOMANYREQUESTS");
                assertThat(perCaller.json().path("errors").path(0).path("message").asText()).contains("this client");

                open.add(trickle(server.baseUri(), http, "bob"));
                Response total = patchWhole(http, "carol");
                assertThat(total.status()).as(total::describe).isEqualTo(429);
                assertThat(total.json().path("errors").path(0).path("message").asText()).contains("the registry");

                open.remove(0).close(); // one of alice's bodies ends: her place is free again
                Response again = null;
                for (int i = 0; i < 50 && (again == null || again.status() == 429); i++) {
                    Thread.sleep(100);
                    again = patchWhole(http, "alice");
                }
                assertThat(again.status()).as(again::describe).isEqualTo(202);
            } finally {
                open.forEach(RawClient::close);
            }
        }
    }

    // ---- helpers ----

    /** Starts an upload as {@code user} and leaves its PATCH body open with a few bytes sent. */
    private static RawClient trickle(URI base, RegistryHttp http, String user) throws IOException, InterruptedException {
        String location = http.withHeaders("X-Test-User", user).startUpload(REPO);
        RawClient client = RawClient.open(base);
        client.sendHead("PATCH", location, Map.of("Content-Length", "100", "X-Test-User", user,
                "Content-Type", "application/octet-stream"));
        client.send(new byte[3]);
        Thread.sleep(100); // the servlet has taken the body up
        return client;
    }

    private static Response patchWhole(RegistryHttp http, String user) {
        RegistryHttp as = http.withHeaders("X-Test-User", user);
        String location = as.startUpload(REPO);
        return as.patch(location, new byte[10], "Content-Type", "application/octet-stream");
    }

    /** Opens a session and has its first {@code n} bytes acknowledged; returns the session's location. */
    private static String acknowledgeFirst(RegistryHttp http, byte[] blob, int n) {
        String location = http.startUpload(REPO);
        Response first = http.patch(location, Arrays.copyOf(blob, n), "Content-Range", "0-" + (n - 1),
                "Content-Type", "application/octet-stream");
        assertStatus(first, 202);
        return first.header("Location").orElse(location);
    }

    /** The session still has exactly {@code acknowledged} bytes, takes the rest, and closes to the right blob. */
    private static void assertFinishes(RegistryHttp http, String location, byte[] blob, int acknowledged)
            throws InterruptedException {
        Response rest = null;
        for (int i = 0; i < 50; i++) { // the server may still be letting go of the broken request
            Response status = http.get(location);
            assertStatus(status, 204);
            assertThat(status.header("Range")).as("the acknowledged bytes, no more")
                    .contains("0-" + (acknowledged - 1));
            rest = http.patch(location, Arrays.copyOfRange(blob, acknowledged, blob.length), "Content-Range",
                    acknowledged + "-" + (blob.length - 1), "Content-Type", "application/octet-stream");
            if (rest.status() != 416) {
                break;
            }
            Thread.sleep(100);
        }
        assertStatus(rest, 202);
        String digest = Content.sha256(blob);
        assertStatus(http.put(rest.header("Location").orElse(location) + (location.contains("?") ? "&" : "?")
                + "digest=" + digest, new byte[0]), 201);
        assertThat(Content.sha256(http.get("/v2/" + REPO + "/blobs/" + digest).body())).isEqualTo(digest);
    }

    /**
     * Threads, other than this one, found inside the servlet's body handling in each of several samples over
     * half a second: a thread waiting for a client is there every time, one running a callback only briefly.
     */
    private static Set<Thread> threadsServingBodies() throws InterruptedException {
        Thread self = Thread.currentThread();
        Set<Thread> always = null;
        for (int sample = 0; sample < 6; sample++) {
            Set<Thread> now = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey() != self)
                    .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> BODY_FRAMES.contains(f.getClassName())))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            if (always == null) {
                always = now;
            } else {
                always.retainAll(now);
            }
            Thread.sleep(100);
        }
        return always;
    }

    /** One response read off a raw connection; the body is what arrived before the server closed or finished. */
    record RawResponse(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        JsonNode error() {
            try {
                return JSON.readTree(body).path("errors").path(0);
            } catch (IOException e) {
                throw new AssertionError("not an error envelope: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        String code() {
            return error().path("code").asText();
        }

        String message() {
            return error().path("message").asText();
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8);
        }
    }

    /** A client on a bare socket that sends and reads at the pace a test dictates. */
    static final class RawClient implements AutoCloseable {
        private final URI base;
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        private RawClient(URI base, Socket socket) throws IOException {
            this.base = base;
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
        }

        static RawClient open(URI base) throws IOException {
            return new RawClient(base, new Socket(base.getHost(), base.getPort()));
        }

        /** A client whose receive buffer is {@code receiveBuffer} bytes, so a server feels it read slowly. */
        static RawClient open(URI base, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
            return new RawClient(base, socket);
        }

        void sendHead(String method, String path, Map<String, String> headers) throws IOException {
            StringBuilder head = new StringBuilder(method).append(' ').append(URI.create(path).getRawPath());
            String query = URI.create(path).getRawQuery();
            if (query != null) {
                head.append('?').append(query);
            }
            head.append(" HTTP/1.1\r\nHost: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The response if it has arrived within {@code wait}, else null. */
        RawResponse pollResponse(Duration wait) throws IOException {
            try {
                return readResponse(wait);
            } catch (SocketTimeoutException notYet) {
                return null;
            }
        }

        /**
         * Reads one response: head, then a body of {@code Content-Length} bytes or whatever arrives before the
         * server closes the connection.
         */
        RawResponse readResponse(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            byte[] buffer = new byte[64 * 1024];
            int headEnd;
            while ((headEnd = RawHttp.indexOf(received.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))) < 0) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("connection closed before a response: "
                            + new String(received.toByteArray(), StandardCharsets.ISO_8859_1));
                }
                received.write(buffer, 0, n);
            }
            byte[] all = received.toByteArray();
            String[] lines = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
            long length = Long.parseLong(headers.getOrDefault("content-length", "-1"));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(all, headEnd + 4, all.length - headEnd - 4);
            socket.setSoTimeout((int) Math.max(wait.toMillis(), 1000));
            try {
                while (length < 0 || body.size() < length) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    body.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // the server cut the connection: the body is what arrived
            }
            received.reset();
            return new RawResponse(status, headers, body.toByteArray());
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
