package dev.wharf.testing;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestRegistryTest {
    private static final byte[] BLOB = "hello, wharf\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldAnswerApiVersionCheckWhenStarted() {
        try (TestRegistry registry = TestRegistry.start()) {
            HttpResponse<byte[]> response = Http.get(registry.baseUri().resolve("/v2/"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        }
    }

    @Test
    void shouldReportLoopbackAddressAndBoundPortWhenPortIsEphemeral() {
        try (TestRegistry registry = TestRegistry.start()) {
            assertThat(registry.port()).isPositive();
            assertThat(registry.hostPort()).isEqualTo("127.0.0.1:" + registry.port());
            assertThat(registry.baseUri()).isEqualTo(URI.create("http://127.0.0.1:" + registry.port()));
        }
    }

    @Test
    void shouldReportWildcardAsBoundButLoopbackToConnectToWhenBoundToEveryInterface() {
        try (TestRegistry registry = TestRegistry.start(TestRegistryOptions.defaults().withHost("0.0.0.0"))) {
            assertThat(registry.boundHostPort()).isEqualTo("0.0.0.0:" + registry.port());
            assertThat(registry.hostPort()).isEqualTo("127.0.0.1:" + registry.port());
            assertThat(Http.get(registry.baseUri().resolve("/v2/")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldStartInMillisecondsWhenJettyIsLoaded() {
        TestRegistry.start().close(); // the first start in a JVM pays for class loading

        long started = System.nanoTime();
        try (TestRegistry registry = TestRegistry.start()) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertThat(elapsed).isLessThan(Duration.ofMillis(500));
            assertThat(Http.get(registry.baseUri().resolve("/v2/")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldKeepInstancesApartWhenTwoRunSideBySide() {
        try (TestRegistry first = TestRegistry.start(); TestRegistry second = TestRegistry.start()) {
            assertThat(first.port()).isNotEqualTo(second.port());

            assertThat(Http.pushBlob(first.baseUri(), "side/by-side", BLOB).statusCode()).isEqualTo(201);

            URI blob = URI.create("/v2/side/by-side/blobs/" + Http.sha256Digest(BLOB));
            assertThat(Http.head(first.baseUri().resolve(blob)).statusCode()).isEqualTo(200);
            assertThat(Http.head(second.baseUri().resolve(blob)).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldFreePortAndIgnoreSecondCloseWhenClosed() {
        TestRegistry registry = TestRegistry.start();
        int port = registry.port();

        registry.close();
        registry.close();

        assertThatThrownBy(() -> Http.get(registry.baseUri().resolve("/v2/")))
                .isInstanceOf(UncheckedIOException.class);
        try (TestRegistry again = TestRegistry.builder().port(port).start()) {
            assertThat(again.port()).isEqualTo(port);
            assertThat(Http.get(again.baseUri().resolve("/v2/")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldCompleteFirstAnswerOnlyWhenARequestUnderV2HasBeenAnswered() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            assertThat(Http.get(registry.baseUri().resolve("/outside")).statusCode()).isEqualTo(404);
            assertThat(registry.firstAnswer().toCompletableFuture()).as("before any request under /v2/").isNotDone();

            assertThat(Http.get(registry.baseUri().resolve("/v2/nothing/here/tags/list")).statusCode()).isEqualTo(404);

            registry.firstAnswer().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    /**
     * Past {@link TestRegistryOptions#withMaxConnections} the registry accepts no more connections: a further client
     * waits in the kernel's queue, unanswered, and is served once a connection closes.
     */
    @Test
    void shouldServeAWaitingConnectionOnlyWhenOneUnderTheLimitCloses() throws IOException {
        try (TestRegistry registry = TestRegistry.start(TestRegistryOptions.defaults().withMaxConnections(2));
             Socket first = connect(registry); Socket second = connect(registry)) {
            assertThat(ask(first).readLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(ask(second).readLine()).isEqualTo("HTTP/1.1 200 OK");

            try (Socket third = connect(registry)) {
                BufferedReader thirdAnswers = ask(third);
                third.setSoTimeout(500);
                assertThatThrownBy(thirdAnswers::readLine).as("answered beyond the limit")
                        .isInstanceOf(SocketTimeoutException.class);

                first.close();
                third.setSoTimeout(20_000);
                assertThat(thirdAnswers.readLine()).isEqualTo("HTTP/1.1 200 OK");
            }
        }
    }

    /** A connection whose TCP handshake the kernel completes whether or not the registry accepts it yet. */
    private static Socket connect(TestRegistry registry) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(registry.baseUri().getHost(), registry.port()), 5_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Sends a kept-alive {@code GET /v2/} and returns the reader of the answers. */
    private static BufferedReader ask(Socket socket) throws IOException {
        byte[] request = "GET /v2/ HTTP/1.1\r\nHost: registry\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldFailToStartWhenPortIsTaken() {
        try (TestRegistry occupant = TestRegistry.start()) {
            assertThatThrownBy(() -> TestRegistry.builder().port(occupant.port()).start())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + occupant.port());
        }
    }

    @Test
    void shouldServeBlobsPushedThroughEngineWhenCalledDirectly() {
        try (TestRegistry registry = TestRegistry.start()) {
            Digest digest = Digest.parse(Http.sha256Digest(BLOB));
            registry.registry().pushBlob(Caller.anonymous(), RepositoryName.of("direct/java"), digest,
                    UploadChunk.of(BLOB));

            HttpResponse<byte[]> response = Http.get(registry.baseUri().resolve("/v2/direct/java/blobs/" + digest));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(BLOB);
        }
    }

    @Test
    void shouldKeepBlobBytesOnDiskWhenDataDirectoryIsSet(@TempDir Path dataDirectory) throws IOException {
        TestRegistryOptions options = TestRegistryOptions.defaults().withDataDirectory(dataDirectory);
        byte[] large = new byte[options.inlineBlobBytes() + 1];
        java.util.Arrays.fill(large, (byte) 'w');
        try (TestRegistry registry = TestRegistry.start(options)) {
            assertThat(Http.pushBlob(registry.baseUri(), "on/disk", BLOB).statusCode()).isEqualTo(201);
            assertThat(Http.pushBlob(registry.baseUri(), "on/disk", large).statusCode()).isEqualTo(201);

            assertThat(regularFiles(dataDirectory.resolve("blobs"))).as("only the blob over the inline limit is a file")
                    .singleElement().satisfies(file -> assertThat(file).hasBinaryContent(large));
        }
        try (TestRegistry restarted = TestRegistry.start(options)) {
            HttpResponse<byte[]> small = Http.get(restarted.baseUri().resolve("/v2/on/disk/blobs/" + Http.sha256Digest(BLOB)));
            assertThat(small.statusCode()).isEqualTo(200);
            assertThat(small.body()).as("the inline blob, from the metadata database").isEqualTo(BLOB);
        }
    }

    @Test
    void shouldKeepEveryBlobAsAFileWhenInlineBlobsAreOff(@TempDir Path dataDirectory) throws IOException {
        try (TestRegistry registry = TestRegistry.start(TestRegistryOptions.defaults().withDataDirectory(dataDirectory)
                .withInlineBlobBytes(0))) {
            assertThat(Http.pushBlob(registry.baseUri(), "as/file", BLOB).statusCode()).isEqualTo(201);

            assertThat(regularFiles(dataDirectory.resolve("blobs"))).singleElement()
                    .satisfies(file -> assertThat(file).hasBinaryContent(BLOB));
        }
        assertThatThrownBy(() -> TestRegistryOptions.defaults().withInlineBlobBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestRegistryOptions.defaults().withInlineBlobBytes(2 << 20))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFindManifestsAndTagsAgainWhenRestartedOnSameDataDirectory(@TempDir Path dataDirectory) {
        PushedImage pushed;
        try (TestRegistry registry = TestRegistry.builder().dataDirectory(dataDirectory).start()) {
            pushed = new RegistryHttp(registry.baseUri()).pushImage("kept/app", "1.0");
        }
        assertThat(dataDirectory.resolve("metadata").resolve("CURRENT")).isRegularFile();

        try (TestRegistry restarted = TestRegistry.builder().dataDirectory(dataDirectory).start()) {
            RegistryHttp http = new RegistryHttp(restarted.baseUri());
            Response byTag = http.get("/v2/kept/app/manifests/1.0");
            assertThat(byTag.status()).as(byTag::describe).isEqualTo(200);
            assertThat(byTag.body()).isEqualTo(pushed.manifest());
            Response layer = http.get("/v2/kept/app/blobs/" + pushed.layers().get(0).digest());
            assertThat(layer.status()).as(layer::describe).isEqualTo(200);
            assertThat(layer.body()).isEqualTo(pushed.layerBytes().get(0));
        }
    }

    @Test
    void shouldRefuseSecondRegistryOnDataDirectoryWhenOneIsRunning(@TempDir Path dataDirectory) {
        try (TestRegistry first = TestRegistry.builder().dataDirectory(dataDirectory).start()) {
            assertThatThrownBy(() -> TestRegistry.builder().dataDirectory(dataDirectory).start())
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another");
            assertThat(Http.pushBlob(first.baseUri(), "still/serving", BLOB).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void shouldLeaveMetadataDirectoryAloneWhenEngineSetsItsOwnMetadataStore(@TempDir Path dataDirectory)
            throws IOException {
        try (TestRegistry registry = TestRegistry.builder().dataDirectory(dataDirectory)
                .engine(engine -> engine.metadataStore(new InMemoryMetadataStore()))
                .start()) {
            assertThat(Http.pushBlob(registry.baseUri(), "own/metadata", BLOB).statusCode()).isEqualTo(201);
        }
        assertThat(dataDirectory.resolve("metadata")).doesNotExist();
        assertThat(regularFiles(dataDirectory.resolve("blobs"))).singleElement()
                .satisfies(file -> assertThat(file).hasBinaryContent(BLOB));
    }

    @Test
    void shouldApplyEveryEngineCustomizerInOrderWhenGiven() {
        try (TestRegistry registry = TestRegistry.builder()
                .engine(engine -> engine.pageSizes(10, 20))
                .engine(engine -> engine.deletesEnabled(false))
                .start()) {
            assertThat(registry.registry().config().maxPageSize()).isEqualTo(20);
            assertThat(registry.registry().config().deletesEnabled()).isFalse();

            assertThat(Http.pushBlob(registry.baseUri(), "no/deletes", BLOB).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> delete = Http.delete(
                    registry.baseUri().resolve("/v2/no/deletes/blobs/" + Http.sha256Digest(BLOB)));
            assertThat(delete.statusCode()).isEqualTo(405);
            assertThat(Http.body(delete)).contains("\"UNSUPPORTED\"");
        }
    }

    @Test
    void shouldRefuseOptionsOutOfRangeWhenBuilding() {
        assertThatThrownBy(() -> TestRegistry.builder().port(65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65535");
        assertThatThrownBy(() -> TestRegistry.builder().host(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Path> regularFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
