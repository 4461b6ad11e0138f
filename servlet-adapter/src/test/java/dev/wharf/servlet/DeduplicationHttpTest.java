package dev.wharf.servlet;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Registry;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Global de-duplication: one copy of each blob for the whole registry, however many clients push it. */
class DeduplicationHttpTest {
    @TempDir
    Path dir;

    @Test
    void shouldStoreOneCopyWhen64ClientsUploadTheSameBytesAtOnce() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(dir);
        byte[] blob = Content.randomBytes(256 * 1024);
        String digest = Content.sha256(blob);
        try (JettyRegistryServer server = JettyRegistryServer.start(Registry.builder().blobStore(store).build())) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            ExecutorService pool = Executors.newFixedThreadPool(64);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<Response>> results = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    String repo = "dedupe/client-" + (i % 8);
                    boolean chunked = i % 2 == 0;
                    results.add(pool.submit(() -> {
                        String location = http.startUpload(repo);
                        start.await();
                        if (chunked) {
                            Response patch = http.patch(location, blob, "Content-Type", "application/octet-stream");
                            return http.put(RegistryHttp.withQuery(patch.header("Location").orElseThrow(), "digest=" + digest),
                                    new byte[0]);
                        }
                        return http.put(RegistryHttp.withQuery(location, "digest=" + digest), blob);
                    }));
                }
                start.countDown();
                for (Future<Response> result : results) {
                    Response r = result.get();
                    assertThat(r.status()).as(r::describe).isEqualTo(201);
                    assertThat(r.header("Docker-Content-Digest")).contains(digest);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int i = 0; i < 8; i++) {
                assertThat(http.get("/v2/dedupe/client-" + i + "/blobs/" + digest).body()).isEqualTo(blob);
            }
            List<BlobInfo> stored = new ArrayList<>();
            store.forEach(stored::add);
            assertThat(stored).extracting(b -> b.digest().toString()).containsExactly(digest);
            try (Stream<Path> staging = Files.list(dir.resolve("staging"))) {
                assertThat(staging).as("no staged leftovers").isEmpty();
            }
        }
    }

    @Test
    void shouldSkipBytesTheRegistryAlreadyHasWhenPushingWithDigestOnly() throws Exception {
        try (JettyRegistryServer server = JettyRegistryServer.start(Registry.builder().build())) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] layer = Content.randomBytes(10_000);
            String digest = http.pushBlob("base/image", layer);
            Response r = http.post("/v2/app/one/blobs/uploads/?digest=" + digest, new byte[0]);
            assertThat(r.status()).as(r::describe).isEqualTo(201);
            assertThat(http.get("/v2/app/one/blobs/" + digest).body()).isEqualTo(layer);
        }
    }
}
