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
import dev.wharf.api.UploadStatus;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upload sessions through the Java API: chunk rules, rollback, resumption and expiry. */
class UploadSemanticsTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("team/app");

    @TempDir
    Path dir;
    private MutableClock clock;
    private InMemoryMetadataStore metadata;
    private Registry registry;
    private final byte[] data = new byte[100_000];

    /** A clock tests can move forward. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void setUp() {
        new Random(42).nextBytes(data);
        clock = new MutableClock();
        metadata = new InMemoryMetadataStore();
        registry = open();
    }

    private Registry open() {
        return Registry.builder().blobStore(new FileSystemBlobStore(dir)).metadataStore(metadata).clock(clock)
                .uploadExpiry(Duration.ofMinutes(10)).build();
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private static UploadChunk chunk(byte[] bytes, int from, int to) {
        byte[] part = Arrays.copyOfRange(bytes, from, to);
        return new UploadChunk(new ByteArrayInputStream(part), OptionalLong.of(part.length),
                Optional.of(new ByteRange(from, to - 1)));
    }

    private String start() {
        return registry.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
    }

    private byte[] readBack(Digest digest) throws IOException {
        try (BlobContent content = registry.readBlob(ME, REPO, digest, Optional.empty()); InputStream in = content.stream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldAssembleChunksAndVerifyDigest() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, chunk(data, 0, 40_000));
        UploadStatus status = registry.appendUpload(ME, REPO, id, chunk(data, 40_000, 90_000));
        assertThat(status.offset()).isEqualTo(90_000);
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.completeUpload(ME, REPO, id, digest, chunk(data, 90_000, data.length));
        assertThat(readBack(digest)).isEqualTo(data);
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void shouldRefuseOutOfOrderChunkAndKeepSessionIntact() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, chunk(data, 0, 10_000));
        assertThatThrownBy(() -> registry.appendUpload(ME, REPO, id, chunk(data, 20_000, 30_000)))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID);
                    assertThat(e.httpStatus()).isEqualTo(416);
                });
        assertThatThrownBy(() -> registry.appendUpload(ME, REPO, id, chunk(data, 0, 10_000)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID));
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isEqualTo(10_000);
        registry.appendUpload(ME, REPO, id, chunk(data, 10_000, data.length));
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.completeUpload(ME, REPO, id, digest, UploadChunk.empty());
        assertThat(readBack(digest)).isEqualTo(data);
    }

    @Test
    void shouldRollBackChunkWhoseBodyIsShorterThanDeclared() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, chunk(data, 0, 10_000));
        byte[] part = Arrays.copyOfRange(data, 10_000, 15_000);
        UploadChunk lying = new UploadChunk(new ByteArrayInputStream(part), OptionalLong.of(10_000),
                Optional.of(new ByteRange(10_000, 19_999)));
        assertThatThrownBy(() -> registry.appendUpload(ME, REPO, id, lying))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIZE_INVALID));
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isEqualTo(10_000);
        registry.appendUpload(ME, REPO, id, chunk(data, 10_000, data.length));
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.completeUpload(ME, REPO, id, digest, UploadChunk.empty());
        assertThat(readBack(digest)).isEqualTo(data);
    }

    @Test
    void shouldRollBackChunkWhoseStreamBreaks() {
        String id = start();
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 5000) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };
        assertThatThrownBy(() -> registry.appendUpload(ME, REPO, id, UploadChunk.of(broken)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIZE_INVALID));
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isZero();
    }

    @Test
    void shouldCancelAndStoreNothingWhenDigestMismatches() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, chunk(data, 0, data.length));
        Digest wrong = DigestAlgorithm.SHA256.digest(new byte[] {1});
        assertThatThrownBy(() -> registry.completeUpload(ME, REPO, id, wrong, UploadChunk.empty()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
        assertThat(registry.statBlob(ME, REPO, DigestAlgorithm.SHA256.digest(data))).isEmpty();
        assertThatThrownBy(() -> registry.uploadStatus(ME, REPO, id))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void shouldVerifySha512WhenSessionHashesWithSha512() throws IOException {
        String id = registry.startUpload(ME, REPO, Optional.of(DigestAlgorithm.SHA512)).session().orElseThrow().id();
        Digest digest = DigestAlgorithm.SHA512.digest(data);
        registry.completeUpload(ME, REPO, id, digest, UploadChunk.of(data));
        assertThat(readBack(digest)).isEqualTo(data);
    }

    @Test
    void shouldAcceptOtherAlgorithmAtCompletionByRehashing() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, UploadChunk.of(data));
        Digest digest = DigestAlgorithm.SHA512.digest(data);
        registry.completeUpload(ME, REPO, id, digest, UploadChunk.empty());
        assertThat(readBack(digest)).isEqualTo(data);
    }

    @Test
    void shouldResumeSessionAfterRestartOnSameStores() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, chunk(data, 0, 30_000));
        registry.close();
        registry = open();
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isEqualTo(30_000);
        registry.appendUpload(ME, REPO, id, chunk(data, 30_000, data.length));
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.completeUpload(ME, REPO, id, digest, UploadChunk.empty());
        assertThat(readBack(digest)).isEqualTo(data);
    }

    @Test
    void shouldCountOpenSessionsUntilCompletedCancelledOrExpired() {
        assertThat(registry.openUploadSessions()).hasValue(0);
        String completed = start();
        String cancelled = start();
        String expired = start();
        assertThat(registry.openUploadSessions()).hasValue(3);
        registry.completeUpload(ME, REPO, completed, DigestAlgorithm.SHA256.digest(data), UploadChunk.of(data));
        registry.cancelUpload(ME, REPO, cancelled);
        assertThat(registry.openUploadSessions()).hasValue(1);
        registry.appendUpload(ME, REPO, expired, chunk(data, 0, 1000));
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        ((DefaultRegistry) registry).expireIdleUploads();
        assertThat(registry.openUploadSessions()).hasValue(0);
    }

    @Test
    void shouldCountGarbageCollectionRuns() {
        assertThat(registry.garbageCollections()).hasValueSatisfying(runs -> {
            assertThat(runs.completed()).isZero();
            assertThat(runs.last()).isEmpty();
        });
        registry.collectGarbage();
        registry.collectGarbage();
        assertThat(registry.garbageCollections()).hasValueSatisfying(runs -> {
            assertThat(runs.completed()).isEqualTo(2);
            assertThat(runs.failed()).isZero();
            assertThat(runs.last()).isPresent();
        });
    }

    @Test
    void shouldExpireIdleSessionsAndRemoveTheirStagedBytes() throws IOException {
        String id = start();
        registry.appendUpload(ME, REPO, id, chunk(data, 0, 1000));
        assertThat(stagingFiles()).hasSize(1);
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(((DefaultRegistry) registry).expireIdleUploads()).isEqualTo(1);
        assertThat(stagingFiles()).isEmpty();
        assertThatThrownBy(() -> registry.uploadStatus(ME, REPO, id))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
    }

    @Test
    void shouldNotFindSessionThroughAnotherRepository() {
        String id = start();
        assertThatThrownBy(() -> registry.uploadStatus(ME, RepositoryName.of("other"), id))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
    }

    @Test
    void shouldStoreIdenticalContentOnceAcrossRepositories() throws IOException {
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.pushBlob(ME, REPO, digest, UploadChunk.of(data));
        registry.pushBlob(ME, RepositoryName.of("another/repo"), digest, UploadChunk.of(data));
        try (Stream<Path> files = Files.walk(dir.resolve("blobs"))) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
        }
    }

    private java.util.List<Path> stagingFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("staging"))) {
            return files.toList();
        }
    }
}
