package dev.wharf.testing;

import dev.wharf.jdbc.JdbcMetadataStore;
import dev.wharf.jdbc.PostgresServer;
import dev.wharf.s3.S3BlobStore;
import dev.wharf.s3.S3Location;
import dev.wharf.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Wharf nodes (each its own engine and Jetty, on its own port) over one PostgreSQL database and one S3
 * bucket, serving as one registry to a client that sends each request to another node: a chunked upload continues
 * across nodes, a manifest pushed on one pulls on the others at once, and of many clients racing through different
 * nodes to create one tag, exactly one wins.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiNodeTest {
    private static final int NODES = 3;
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final List<TestRegistry> nodes = new ArrayList<>();
    private static int next;

    @BeforeAll
    static void startNodes() throws Exception {
        String database = PostgresServer.shared().newDatabase();
        S3ProxyServer s3 = S3ProxyServer.shared();
        s3.createBucket("wharf-nodes");
        S3Location location = new S3Location("wharf-nodes", "cluster-" + System.nanoTime());
        for (int i = 0; i < NODES; i++) {
            nodes.add(TestRegistry.start(TestRegistryOptions.defaults().withEngine(engine -> engine
                    .metadataStore(JdbcMetadataStore.open(database, 8))
                    .blobStore(S3BlobStore.open(location, s3.options())))));
        }
    }

    @AfterAll
    static void stopNodes() {
        nodes.forEach(TestRegistry::close);
    }

    /** The next node, round robin: each request of a push goes to another node than the one before. */
    private static URI node() {
        return nodes.get(next++ % NODES).baseUri();
    }

    private static String sha256(byte[] data) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Pushes a blob in chunks, each request to the next node; returns its digest. */
    private static String pushChunked(String repo, byte[] data, int... cuts) throws Exception {
        String digest = sha256(data);
        HttpResponse<byte[]> started = send(HttpRequest.newBuilder(node().resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : data.length;
            boolean last = i == cuts.length;
            URI target = node().resolve(location + (last ? (location.contains("?") ? "&" : "?") + "digest=" + digest : ""));
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", from + "-" + (to - 1));
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(data, from, to));
            HttpResponse<byte[]> answer = send(last ? request.PUT(body) : request.method("PATCH", body));
            assertThat(answer.statusCode()).as("chunk %d: %s", i, new String(answer.body(), StandardCharsets.UTF_8))
                    .isEqualTo(last ? 201 : 202);
            location = answer.headers().firstValue("Location").orElse(location);
            from = to;
        }
        return digest;
    }

    private static byte[] manifest(String config, int configSize, String layer, int layerSize) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configSize
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer
                + "\",\"size\":" + layerSize + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldServeAPushSpreadOverEveryNodeFromEveryNode() throws Exception {
        String repo = "cluster/app";
        int mib = 1024 * 1024;
        byte[] layer = new byte[13 * mib + 17];
        new Random(1).nextBytes(layer);
        String layerDigest = pushChunked(repo, layer, 6 * mib, 12 * mib);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String configDigest = pushChunked(repo, config, 10, 20);
        byte[] manifest = manifest(configDigest, config.length, layerDigest, layer.length);

        HttpResponse<byte[]> put = send(HttpRequest.newBuilder(node().resolve("/v2/" + repo + "/manifests/v1"))
                .header("Content-Type", MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        assertThat(put.statusCode()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(201);

        for (TestRegistry each : nodes) {
            HttpResponse<byte[]> pulled = send(HttpRequest.newBuilder(each.baseUri().resolve("/v2/" + repo + "/manifests/v1"))
                    .header("Accept", MANIFEST));
            assertThat(pulled.statusCode()).as("manifest on %s", each.baseUri()).isEqualTo(200);
            assertThat(pulled.body()).isEqualTo(manifest);
            HttpResponse<byte[]> blob = send(HttpRequest.newBuilder(each.baseUri().resolve("/v2/" + repo + "/blobs/" + layerDigest)));
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(sha256(blob.body())).isEqualTo(layerDigest);
        }
    }

    @Test
    void shouldLetExactlyOneClientCreateATagWhicheverNodesTheyReach() throws Exception {
        String repo = "cluster/race";
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = pushChunked(repo, config);
        int clients = 12;
        List<byte[]> manifests = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            byte[] layer = ("layer " + i).getBytes(StandardCharsets.UTF_8);
            manifests.add(manifest(configDigest, config.length, pushChunked(repo, layer), layer.length));
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            URI base = nodes.get(i % NODES).baseUri();
            byte[] body = manifests.get(i);
            answers.add(pool.submit(() -> {
                start.await();
                return send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/race"))
                        .header("Content-Type", MANIFEST).header("If-None-Match", "*")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))).statusCode();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        pool.shutdown();
        assertThat(statuses.stream().filter(s -> s == 201).count()).as("%s", statuses).isEqualTo(1);
        assertThat(statuses).as("the others are refused, not failed").containsOnly(201, 412);
        byte[] winner = null;
        for (TestRegistry each : nodes) {
            HttpResponse<byte[]> pulled = send(HttpRequest.newBuilder(each.baseUri().resolve("/v2/" + repo + "/manifests/race"))
                    .header("Accept", MANIFEST));
            assertThat(pulled.statusCode()).isEqualTo(200);
            if (winner == null) {
                winner = pulled.body();
            }
            assertThat(pulled.body()).as("every node serves the one winner").isEqualTo(winner);
        }
    }
}
