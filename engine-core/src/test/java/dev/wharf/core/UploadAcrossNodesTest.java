package dev.wharf.core;

import dev.wharf.api.BlobContent;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.ForwardingBlobStore;
import dev.wharf.spi.ForwardingMetadataStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.UploadRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two registries over one metadata store and one blob store, as two nodes of a cluster: an upload session's
 * requests may reach either, in any order, and each node takes up the session where the other left it, instead of
 * trusting the copy it cached when it last served the session.
 */
class UploadAcrossNodesTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("nodes/app");

    @TempDir
    Path blobs;

    private static UploadChunk chunk(byte[] data, int from, int to) {
        return new UploadChunk(new ByteArrayInputStream(data, from, to - from), OptionalLong.of(to - from),
                Optional.of(new ByteRange(from, to - 1)));
    }

    /** One node: its own engine over the shared stores (each closes its own view, never the shared store). */
    private Registry node(InMemoryMetadataStore metadata) {
        return Registry.builder().metadataStore(new ForwardingMetadataStore(metadata) {
            @Override
            public void close() {
            }
        }).blobStore(new FileSystemBlobStore(blobs)).build();
    }

    @Test
    void shouldContinueAnUploadOnWhicheverNodeEachChunkReaches() throws Exception {
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        byte[] data = new byte[40_000];
        new Random(1).nextBytes(data);
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        try (Registry a = node(metadata); Registry b = node(metadata)) {
            String id = a.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
            assertThat(a.appendUpload(ME, REPO, id, chunk(data, 0, 10_000)).offset()).isEqualTo(10_000);
            assertThat(b.appendUpload(ME, REPO, id, chunk(data, 10_000, 20_000)).offset()).isEqualTo(20_000);
            // a served the session before: its cached copy says 10,000 bytes, the session has 20,000.
            assertThat(a.uploadStatus(ME, REPO, id).offset()).isEqualTo(20_000);
            assertThat(a.appendUpload(ME, REPO, id, chunk(data, 20_000, 30_000)).offset()).isEqualTo(30_000);
            assertThat(b.completeUpload(ME, REPO, id, digest, chunk(data, 30_000, 40_000)).digest()).isEqualTo(digest);

            try (BlobContent content = a.readBlob(ME, REPO, digest, Optional.empty()); InputStream in = content.stream()) {
                assertThat(Arrays.equals(in.readAllBytes(), data)).isTrue();
            }
            // The session ended on b: a's cached copy must not take another chunk.
            assertThatThrownBy(() -> a.appendUpload(ME, REPO, id, chunk(data, 0, 10)))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
        }
    }

    /**
     * A store may keep an upload's times to the millisecond only (RocksDB and PostgreSQL do): the record it reads
     * back then differs from the node's copy in its update time alone, which must not make every chunk reload the
     * session and re-hash everything uploaded before it.
     */
    @Test
    void shouldKeepItsSessionChunkAfterChunkWhenTheStoreKeepsMillisecondsOnly() throws Exception {
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        AtomicInteger resumed = new AtomicInteger();
        UploadSemanticsTest.MutableClock nanos = new UploadSemanticsTest.MutableClock();
        nanos.now = Instant.parse("2026-12-01T00:00:00.000123456Z"); // sub-millisecond parts, whatever this machine's
        Registry node = Registry.builder().clock(nanos).metadataStore(new ForwardingMetadataStore(metadata) {
            @Override
            public Optional<UploadRecord> upload(String id) {
                return super.upload(id).map(r -> new UploadRecord(r.id(), r.repository(), r.stagedId(), r.algorithm(),
                        r.offset(), r.created().truncatedTo(ChronoUnit.MILLIS),
                        r.updated().truncatedTo(ChronoUnit.MILLIS)));
            }
        }).blobStore(new ForwardingBlobStore(new FileSystemBlobStore(blobs)) {
            @Override
            public Optional<StagedBlob> resume(String stagedId) {
                resumed.incrementAndGet();
                return super.resume(stagedId);
            }
        }).build();
        byte[] data = new byte[50_000];
        new Random(2).nextBytes(data);
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        try (node) {
            String id = node.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
            for (int from = 0; from < 40_000; from += 10_000) {
                assertThat(node.appendUpload(ME, REPO, id, chunk(data, from, from + 10_000)).offset())
                        .isEqualTo(from + 10_000);
            }
            assertThat(node.completeUpload(ME, REPO, id, digest, chunk(data, 40_000, 50_000)).digest())
                    .isEqualTo(digest);
        }
        assertThat(resumed.get()).as("staged writes resumed, each a reload and a re-hash of the session").isZero();
    }
}

