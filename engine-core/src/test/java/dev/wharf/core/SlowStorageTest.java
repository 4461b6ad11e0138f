package dev.wharf.core;

import dev.wharf.api.BlobContent;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.ManifestPushed;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.faults.FaultyBlobStore;
import dev.wharf.core.faults.FaultyMetadataStore;
import dev.wharf.core.faults.StorageFault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.wharf.core.WritePathFaultTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow device: writes take their time and still come out right, and while one is held up in a store, reads
 * of other content (and of the same repository) and writes elsewhere go on: nothing the engine holds for the
 * slow write blocks them.
 */
class SlowStorageTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("faults/app");
    private static final RepositoryName ELSEWHERE = RepositoryName.of("faults/elsewhere");
    private static final Duration PER_CALL = Duration.ofMillis(100);
    private static final long READS_WITHIN_SECONDS = 10;

    /** Callers of their own: the held write and the reads must not queue behind each other in a shared pool. */
    private final ExecutorService callers = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void shouldCompleteWritesCorrectlyWhenEveryStoreCallIsSlow() throws IOException {
        try (WritePathFaultTest.Fixture f = new WritePathFaultTest.Fixture()) {
            f.metadata.inject(StorageFault.slow(PER_CALL), FaultyMetadataStore.Operation.WRITES);
            f.blobs.inject(StorageFault.slow(PER_CALL), FaultyBlobStore.Operation.WRITES);
            byte[] blob = f.content("slowly", 4000);
            byte[] manifest = f.imageManifest("slowly", Optional.empty());

            f.registry.pushBlob(ME, APP, sha256(blob), UploadChunk.of(blob));
            ManifestPushed pushed = f.registry.pushManifest(ME, APP, Tag.of("slow"), MediaTypes.OCI_MANIFEST, manifest,
                    List.of());

            assertThat(f.metadata.strikes() + f.blobs.strikes()).as("stage, append, commit, link, sync, manifest, sync")
                    .isGreaterThanOrEqualTo(7);
            f.assertLinked(APP, blob);
            assertThat(f.registry.manifest(ME, APP, Tag.of("slow")).bytes()).isEqualTo(manifest);
            assertThat(pushed.digest()).isEqualTo(sha256(manifest));
        }
    }

    @Test
    void shouldServeReadsAndOtherWritesWhileAManifestPushIsHeldInTheMetadataStore() throws Exception {
        try (WritePathFaultTest.Fixture f = new WritePathFaultTest.Fixture()) {
            CountDownLatch release = new CountDownLatch(1);
            f.metadata.inject(StorageFault.hung(release), FaultyMetadataStore.Operation.PUT_MANIFEST);
            byte[] manifest = f.imageManifest("held", Optional.empty());
            Future<ManifestPushed> push = callers.submit(() -> f.registry.pushManifest(ME, APP, Tag.of("held"),
                    MediaTypes.OCI_MANIFEST, manifest, List.of()));
            try {
                assertThat(f.metadata.awaitStrikes(1, Duration.ofSeconds(10))).as("the push reached the store").isTrue();

                callers.submit(() -> {
                    f.assertReadsWork();
                    assertThat(f.registry.manifest(ME, APP, Tag.of("v1")).digest()).isEqualTo(f.image);
                    byte[] other = f.content("pushed elsewhere meanwhile", 900);
                    f.registry.pushBlob(ME, ELSEWHERE, sha256(other), UploadChunk.of(other));
                    f.assertLinked(ELSEWHERE, other);
                }).get(READS_WITHIN_SECONDS, TimeUnit.SECONDS);
                assertThat(push.isDone()).as("the held push is still held").isFalse();
            } finally {
                release.countDown();
            }
            assertThat(push.get(READS_WITHIN_SECONDS, TimeUnit.SECONDS).digest()).isEqualTo(sha256(manifest));
            assertThat(f.registry.manifest(ME, APP, Tag.of("held")).bytes()).isEqualTo(manifest);
        }
    }

    @Test
    void shouldServeReadsWhileAnUploadChunkIsHeldInTheBlobStore() throws Exception {
        try (WritePathFaultTest.Fixture f = new WritePathFaultTest.Fixture()) {
            byte[] blob = f.content("held chunk", 3000);
            String id = f.registry.startUpload(ME, APP, Optional.empty()).session().orElseThrow().id();
            CountDownLatch release = new CountDownLatch(1);
            f.blobs.inject(StorageFault.hung(release), FaultyBlobStore.Operation.APPEND);
            Future<Long> chunk = callers.submit(
                    () -> f.registry.appendUpload(ME, APP, id, WritePathFaultTest.chunk(blob, 0, 3000)).offset());
            try {
                assertThat(f.blobs.awaitStrikes(1, Duration.ofSeconds(10))).as("the chunk reached the store").isTrue();
                callers.submit(() -> {
                    f.assertReadsWork();
                    Digest layer = sha256(f.layer);
                    try (BlobContent content = f.registry.readBlob(ME, APP, layer, Optional.empty());
                         InputStream in = content.stream()) {
                        assertThat(in.readAllBytes()).isEqualTo(f.layer);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(READS_WITHIN_SECONDS, TimeUnit.SECONDS);
                assertThat(chunk.isDone()).as("the held chunk is still held").isFalse();
            } finally {
                release.countDown();
            }
            assertThat(chunk.get(READS_WITHIN_SECONDS, TimeUnit.SECONDS)).isEqualTo(3000L);
            f.blobs.clear();
            f.registry.completeUpload(ME, APP, id, sha256(blob), UploadChunk.empty());
            f.assertLinked(APP, blob);
        }
    }
}
