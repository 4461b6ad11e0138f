package dev.wharf.core;

import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadSink;
import dev.wharf.api.UploadStart;
import dev.wharf.api.UploadStatus;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bodies pushed piece by piece ({@link UploadSink}): the same chunk rules, rollback and de-duplication as the
 * stream-taking methods, plus what only a sink can do: stay open across calls while holding its session, and
 * be abandoned halfway.
 */
class UploadSinkTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("team/app");

    @TempDir
    Path dir;
    private UploadSemanticsTest.MutableClock clock;
    private Registry registry;
    private final byte[] data = new byte[300_000];

    @BeforeEach
    void setUp() {
        new Random(7).nextBytes(data);
        clock = new UploadSemanticsTest.MutableClock();
        registry = Registry.builder().blobStore(new FileSystemBlobStore(dir)).metadataStore(new InMemoryMetadataStore())
                .clock(clock).uploadExpiry(Duration.ofMinutes(10)).build();
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private String start() {
        return registry.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
    }

    /** Writes {@code data[from, to)} in pieces of {@code piece} bytes. */
    private static void writePieces(UploadSink<?> sink, byte[] data, int from, int to, int piece) {
        for (int i = from; i < to; i += piece) {
            ByteBuffer buffer = ByteBuffer.wrap(data, i, Math.min(piece, to - i));
            sink.write(buffer);
            assertThat(buffer.hasRemaining()).as("a write consumes its buffer").isFalse();
        }
    }

    private UploadSink<UploadStatus> append(String id, int from, int to) {
        return registry.openUploadAppend(ME, REPO, id, OptionalLong.of(to - from), Optional.of(new ByteRange(from, to - 1)));
    }

    /** Appends {@code data[from, to)} to session {@code id} in one body of {@code piece}-byte writes and finishes it. */
    private UploadStatus appendWhole(String id, int from, int to, int piece) {
        try (UploadSink<UploadStatus> sink = append(id, from, to)) {
            writePieces(sink, data, from, to, piece);
            return sink.finish();
        }
    }

    /** Completes session {@code id} as {@link #data}'s digest and reads the blob back. */
    private byte[] completeAndReadBack(String id) throws IOException {
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.completeUpload(ME, REPO, id, digest, UploadChunk.empty());
        return readBack(digest);
    }

    private byte[] readBack(Digest digest) throws IOException {
        try (BlobContent content = registry.readBlob(ME, REPO, digest, Optional.empty()); InputStream in = content.stream()) {
            return in.readAllBytes();
        }
    }

    private List<Path> stagingFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("staging"))) {
            return files.toList();
        }
    }

    private long stagedBytes() throws IOException {
        List<Path> files = stagingFiles();
        assertThat(files).hasSize(1);
        return Files.size(files.get(0));
    }

    @Test
    void shouldAssembleBodiesWrittenInSmallPiecesAcrossChunks() throws IOException {
        String id = start();
        try (UploadSink<UploadStatus> sink = append(id, 0, 100_000)) {
            writePieces(sink, data, 0, 100_000, 7_777);
            assertThat(sink.written()).isEqualTo(100_000);
            assertThat(sink.finish().offset()).isEqualTo(100_000);
        }
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        BlobInfo blob;
        try (UploadSink<BlobInfo> last = registry.openUploadComplete(ME, REPO, id, digest, OptionalLong.empty(),
                Optional.empty())) {
            writePieces(last, data, 100_000, data.length, 1);
            blob = last.finish();
        }
        assertThat(blob).isEqualTo(new BlobInfo(digest, data.length));
        assertThat(readBack(digest)).isEqualTo(data);
        assertThat(stagingFiles()).as("the staged write became the blob").isEmpty();
    }

    @Test
    void shouldRollBackAnAbandonedBodyAndLetTheClientResume() throws IOException {
        String id = start();
        appendWhole(id, 0, 50_000, 4096);
        UploadSink<UploadStatus> abandoned = append(id, 50_000, 150_000);
        writePieces(abandoned, data, 50_000, 120_000, 4096);
        abandoned.abort();
        abandoned.abort(); // idempotent
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isEqualTo(50_000);
        assertThat(stagedBytes()).as("the unacknowledged bytes are gone").isEqualTo(50_000);
        assertThatThrownBy(() -> abandoned.write(ByteBuffer.wrap(data, 0, 1))).isInstanceOf(IllegalStateException.class);

        assertThat(appendWhole(id, 50_000, data.length, 65_536).offset()).isEqualTo(data.length);
        assertThat(completeAndReadBack(id)).isEqualTo(data);
    }

    @Test
    void shouldRollBackABodyOfLargePiecesAbandonedWhileTheyAreWrittenInTheBackground() throws IOException {
        String id = start();
        appendWhole(id, 0, 70_000, 70_000);
        UploadSink<UploadStatus> abandoned = append(id, 70_000, data.length);
        writePieces(abandoned, data, 70_000, 270_000, 100_000);
        abandoned.abort();
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isEqualTo(70_000);
        assertThat(stagedBytes()).as("the pieces still being written when it was abandoned are gone too")
                .isEqualTo(70_000);
        assertThat(appendWhole(id, 70_000, data.length, 200_000).offset()).isEqualTo(data.length);
        assertThat(stagedBytes()).isEqualTo(data.length);
        assertThat(completeAndReadBack(id)).isEqualTo(data);
    }

    @Test
    void shouldRefuseBytesPastTheDeclaredLengthAndRollBack() throws IOException {
        String id = start();
        UploadSink<UploadStatus> sink = append(id, 0, 1000);
        sink.write(ByteBuffer.wrap(data, 0, 600));
        assertThatThrownBy(() -> sink.write(ByteBuffer.wrap(data, 600, 600)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIZE_INVALID));
        assertThatThrownBy(sink::finish).as("the sink is done after a failure").isInstanceOf(IllegalStateException.class);
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isZero();
        assertThat(stagedBytes()).isZero();
        // The session was released: the next chunk goes through at once.
        registry.appendUpload(ME, REPO, id, UploadChunk.of(Arrays.copyOf(data, 10)));
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isEqualTo(10);
    }

    @Test
    void shouldRefuseABodyThatEndsShortOfItsDeclaredLength() throws IOException {
        String id = start();
        UploadSink<UploadStatus> sink = append(id, 0, 1000);
        sink.write(ByteBuffer.wrap(data, 0, 999));
        assertThatThrownBy(sink::finish)
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SIZE_INVALID));
        assertThat(registry.uploadStatus(ME, REPO, id).offset()).isZero();
        assertThat(stagedBytes()).isZero();
    }

    @Test
    void shouldRefuseAChunkOutOfOrderWhenOpenedWithoutHoldingTheSession() {
        String id = start();
        assertThatThrownBy(() -> append(id, 10, 20))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID));
        try (UploadSink<UploadStatus> sink = append(id, 0, 10)) {
            sink.write(ByteBuffer.wrap(data, 0, 10));
            assertThat(sink.finish().offset()).isEqualTo(10);
        }
    }

    @Test
    void shouldAnswerStatusAtOnceAndRefuseOtherBodiesWhileABodyFlows() {
        String id = start();
        registry.appendUpload(ME, REPO, id, UploadChunk.of(Arrays.copyOf(data, 100)));
        try (UploadSink<UploadStatus> flowing = append(id, 100, 200)) {
            flowing.write(ByteBuffer.wrap(data, 100, 50));
            assertThat(registry.uploadStatus(ME, REPO, id).offset())
                    .as("status reports only what is acknowledged, without waiting").isEqualTo(100);
            assertThatThrownBy(() -> registry.appendUpload(ME, REPO, id, UploadChunk.of(new byte[1])))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RANGE_INVALID);
                        assertThat(e.getMessage()).contains("another request's body");
                    });
            clock.now = clock.now.plus(Duration.ofMinutes(11));
            assertThat(((DefaultRegistry) registry).expireIdleUploads())
                    .as("a session receiving a body is not idle").isZero();
            clock.now = clock.now.minus(Duration.ofMinutes(11));
            flowing.write(ByteBuffer.wrap(data, 150, 50));
            assertThat(flowing.finish().offset()).isEqualTo(200);
        }
    }

    @Test
    void shouldCancelTheSessionWhenTheFinalBodyDoesNotMatchTheDigest() throws IOException {
        String id = start();
        Digest wrong = DigestAlgorithm.SHA256.digest(new byte[] {1});
        UploadSink<BlobInfo> sink = registry.openUploadComplete(ME, REPO, id, wrong, OptionalLong.of(data.length),
                Optional.empty());
        writePieces(sink, data, 0, data.length, 10_000);
        assertThatThrownBy(sink::finish)
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
        assertThatThrownBy(() -> registry.uploadStatus(ME, REPO, id))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void shouldPushASingleRequestBlobPieceByPiece() throws IOException {
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        UploadStart pushed;
        try (UploadSink<UploadStart> sink = registry.openBlobPush(ME, REPO, digest, OptionalLong.of(data.length))) {
            writePieces(sink, data, 0, data.length, 32_768);
            pushed = sink.finish();
        }
        assertThat(pushed.blob()).contains(new BlobInfo(digest, data.length));
        assertThat(readBack(digest)).isEqualTo(data);
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void shouldTreatAnEmptySingleRequestBodyAsAMountAndAWrongOneAsDigestInvalid() throws IOException {
        Digest digest = DigestAlgorithm.SHA256.digest(data);
        registry.pushBlob(ME, RepositoryName.of("elsewhere"), digest, UploadChunk.of(data));
        try (UploadSink<UploadStart> empty = registry.openBlobPush(ME, REPO, digest, OptionalLong.of(0))) {
            assertThat(empty.finish().blob()).as("linked from the repository that has it")
                    .contains(new BlobInfo(digest, data.length));
        }
        RepositoryName other = RepositoryName.of("team/other");
        UploadSink<UploadStart> wrong = registry.openBlobPush(ME, other, DigestAlgorithm.SHA256.digest(new byte[] {9}),
                OptionalLong.empty());
        writePieces(wrong, data, 0, 1000, 100);
        assertThatThrownBy(wrong::finish)
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
        UploadSink<UploadStart> abandoned = registry.openBlobPush(ME, other, digest, OptionalLong.empty());
        writePieces(abandoned, data, 0, 1000, 100);
        abandoned.close();
        assertThat(stagingFiles()).as("refused and abandoned pushes leave nothing staged").isEmpty();
        assertThat(registry.statBlob(ME, other, digest)).isEmpty();
    }
}
