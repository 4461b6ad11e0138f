package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.core.faults.FaultyBlobStore;
import dev.wharf.core.faults.FaultyMetadataStore;
import dev.wharf.core.faults.StorageFault;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow device, on Jetty, Tomcat and Undertow: pushes through stores that take 200 ms a write still come out
 * right, and while a manifest push is held up in the metadata store and a chunk in the blob store, the
 * registry keeps answering reads of other content, in the same repository too, and a mount elsewhere.
 */
class SlowStorageHttpTest {
    private static final Duration METADATA_WRITE = Duration.ofMillis(200);
    private static final Duration BLOB_APPEND = Duration.ofMillis(100);
    private static final long WITHIN_SECONDS = 10;

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldStoreABlobAndAManifestCorrectlyThroughSlowStores(ContainerUnderTest container) throws Exception {
        FaultyBlobStore blobs = new FaultyBlobStore(new InMemoryBlobStore());
        FaultyMetadataStore metadata = new FaultyMetadataStore(new InMemoryMetadataStore());
        try (RegistryServer server = container.start(Registry.builder().blobStore(blobs).metadataStore(metadata)
                .build(), null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            String repo = Content.uniqueRepo("slow");
            byte[] config = Content.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
            http.pushBlob(repo, config);
            metadata.inject(StorageFault.slow(METADATA_WRITE), FaultyMetadataStore.Operation.WRITES);
            blobs.inject(StorageFault.slow(BLOB_APPEND), FaultyBlobStore.Operation.APPEND);

            byte[] layer = Content.randomBytes(5000);
            String layerDigest = Content.sha256(layer);
            assertStatus(http.post("/v2/" + repo + "/blobs/uploads/?digest=" + layerDigest, layer), 201);
            byte[] manifest = ManifestJson.ociManifest().config(Descriptor.of(MediaTypes.OCI_CONFIG, config))
                    .layer(Descriptor.of(MediaTypes.OCI_LAYER, layer)).bytes();
            Response pushed = http.putManifest(repo, "slow", MediaTypes.OCI_MANIFEST, manifest);
            assertStatus(pushed, 201);

            assertThat(metadata.strikes()).as("link, sync, manifest, sync: each slow").isGreaterThanOrEqualTo(4);
            assertThat(blobs.strikes()).as("the layer's bytes were appended slowly").isPositive();
            assertThat(pushed.header("Docker-Content-Digest")).contains(Content.sha256(manifest));
            assertThat(http.get("/v2/" + repo + "/blobs/" + layerDigest).body()).isEqualTo(layer);
            assertThat(http.get("/v2/" + repo + "/manifests/slow", "Accept", MediaTypes.OCI_MANIFEST).body())
                    .isEqualTo(manifest);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnswerReadsAndOtherWritesWhileWritesAreHeldInBothStores(ContainerUnderTest container)
            throws Exception {
        FaultyBlobStore blobs = new FaultyBlobStore(new InMemoryBlobStore());
        FaultyMetadataStore metadata = new FaultyMetadataStore(new InMemoryMetadataStore());
        ExecutorService clients = Executors.newFixedThreadPool(3);
        CountDownLatch release = new CountDownLatch(1);
        try (RegistryServer server = container.start(Registry.builder().blobStore(blobs).metadataStore(metadata)
                .build(), null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            String repo = Content.uniqueRepo("slow");
            PushedImage image = http.pushImage(repo, "v1");
            byte[] held = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                    .annotation("held", "in the metadata store").bytes();
            byte[] chunk = Content.randomBytes(4000);
            String location = http.startUpload(repo);
            metadata.inject(StorageFault.hung(release), FaultyMetadataStore.Operation.PUT_MANIFEST);
            blobs.inject(StorageFault.hung(release), FaultyBlobStore.Operation.APPEND);

            Future<Response> heldManifest = clients.submit(() ->
                    http.putManifest(repo, "held", MediaTypes.OCI_MANIFEST, held));
            Future<Response> heldChunk = clients.submit(() ->
                    http.patch(location, chunk, "Content-Range", "0-3999"));
            try {
                assertThat(metadata.awaitStrikes(1, Duration.ofSeconds(WITHIN_SECONDS))).as("manifest held").isTrue();
                assertThat(blobs.awaitStrikes(1, Duration.ofSeconds(WITHIN_SECONDS))).as("chunk held").isTrue();

                clients.submit(() -> {
                    assertStatus(http.head("/v2/" + repo + "/blobs/" + image.layers().get(1).digest()), 200);
                    assertThat(http.get("/v2/" + repo + "/blobs/" + image.layers().get(0).digest()).body())
                            .isEqualTo(image.layerBytes().get(0));
                    assertThat(http.get("/v2/" + repo + "/manifests/v1", "Accept", MediaTypes.OCI_MANIFEST).body())
                            .isEqualTo(image.manifest());
                    assertStatus(http.get("/v2/" + repo + "/tags/list"), 200);
                    assertStatus(http.get("/v2/_catalog"), 200);
                    String elsewhere = Content.uniqueRepo("elsewhere");
                    assertStatus(http.post("/v2/" + elsewhere + "/blobs/uploads/?mount=" + image.layers().get(0).digest()
                            + "&from=" + repo, new byte[0]), 201);
                    return null;
                }).get(WITHIN_SECONDS, TimeUnit.SECONDS);
                assertThat(heldManifest.isDone() || heldChunk.isDone()).as("both writes are still held").isFalse();
            } finally {
                release.countDown();
            }
            assertStatus(heldManifest.get(WITHIN_SECONDS, TimeUnit.SECONDS), 201);
            Response accepted = heldChunk.get(WITHIN_SECONDS, TimeUnit.SECONDS);
            assertStatus(accepted, 202);
            assertThat(accepted.header("Range")).contains("0-3999");
            assertThat(http.get("/v2/" + repo + "/manifests/held", "Accept", MediaTypes.OCI_MANIFEST).body())
                    .isEqualTo(held);
            metadata.clear();
            blobs.clear();
            assertStatus(http.put(RegistryHttp.withQuery(location, "digest=" + Content.sha256(chunk)), new byte[0]), 201);
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
    }
}
