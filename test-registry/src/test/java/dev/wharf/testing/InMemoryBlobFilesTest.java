package dev.wharf.testing;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An in-memory {@link TestRegistry} keeps a large blob in a temporary file rather than on the heap, and its
 * {@link TestRegistry#close()} releases the file: the registry a test throws away leaves nothing open behind.
 */
class InMemoryBlobFilesTest {
    private static final Path TEMPORARY = Path.of(System.getProperty("java.io.tmpdir"));
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void shouldHoldALargeBlobInATemporaryFileAndReleaseItOnClose() {
        byte[] layer = new byte[1024 * 1024];
        new Random(42).nextBytes(layer);
        long before = OpenFiles.blobFilesOpen(SELF, TEMPORARY);
        TestRegistry registry = TestRegistry.start();
        try {
            assertThat(Http.pushBlob(registry.baseUri(), "team/app", layer).statusCode()).isEqualTo(201);
            assertThat(OpenFiles.blobFilesOpen(SELF, TEMPORARY)).as("the layer's file").isEqualTo(before + 1);

            HttpResponse<byte[]> pulled = Http.get(registry.baseUri()
                    .resolve("/v2/team/app/blobs/" + Http.sha256Digest(layer)));
            assertThat(pulled.statusCode()).isEqualTo(200);
            assertThat(pulled.body()).isEqualTo(layer);
        } finally {
            registry.close();
        }
        assertThat(OpenFiles.blobFilesOpen(SELF, TEMPORARY)).as("after close").isEqualTo(before);
    }
}
