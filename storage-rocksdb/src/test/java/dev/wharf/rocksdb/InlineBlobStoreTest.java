package dev.wharf.rocksdb;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where {@link InlineBlobStore} puts bytes, and what survives a reopen of the database. */
class InlineBlobStoreTest {
    private static final int LIMIT = 1024;

    @TempDir
    Path dir;

    private RocksDbMetadataStore meta;
    private InlineBlobStore store;

    @BeforeEach
    void open() {
        meta = RocksDbMetadataStore.open(dir.resolve("metadata"));
        store = meta.inlineBlobs(new FileSystemBlobStore(dir.resolve("files")), LIMIT);
    }

    @AfterEach
    void close() {
        store.close();
        meta.close();
    }

    private void reopen() {
        close();
        open();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Digest sha256(byte[] data) {
        return DigestAlgorithm.SHA256.digest(data);
    }

    private long filesUnder(String sub) throws IOException {
        Path root = dir.resolve("files").resolve(sub);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private byte[] read(Digest digest) throws IOException {
        BlobInfo info = store.stat(digest).orElseThrow();
        try (InputStream in = store.open(digest, 0, info.size()).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private BlobInfo push(byte[] data) {
        StagedBlob staged = store.stage();
        StagedWriter writer = staged.writer();
        for (int from = 0; from < data.length; from += 300) {
            writer.write(ByteBuffer.wrap(data, from, Math.min(300, data.length - from)));
        }
        writer.finish(false);
        return staged.commit(sha256(data));
    }

    @Test
    void shouldKeepABlobWithinTheLimitInTheDatabaseAndALargerOneInFiles() throws IOException {
        byte[] small = random(LIMIT, 1);
        byte[] large = random(LIMIT + 1, 2);
        assertThat(push(small)).isEqualTo(new BlobInfo(sha256(small), LIMIT));
        assertThat(filesUnder("blobs")).as("a blob of exactly the limit is inline").isZero();
        assertThat(filesUnder("staging")).as("an inline push never touches the staging directory").isZero();
        push(large);
        assertThat(filesUnder("blobs")).as("one byte over the limit is a file").isEqualTo(1);
        assertThat(filesUnder("staging")).isZero();
        reopen();
        assertThat(read(sha256(small))).isEqualTo(small);
        assertThat(read(sha256(large))).isEqualTo(large);
        try (InputStream part = store.open(sha256(small), 10, 5).orElseThrow()) {
            assertThat(part.readAllBytes()).containsExactly(java.util.Arrays.copyOfRange(small, 10, 15));
        }
        assertThatThrownBy(() -> store.open(sha256(small), LIMIT - 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(sha256(small), 1, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRecordANewStagedWriteOnlyWhenADurableAppendAsksForIt() throws IOException {
        byte[] data = random(300, 9);
        StagedBlob staged = store.stage();
        assertThat(store.resume(staged.id())).as("a new write is not recorded").isEmpty();
        staged.append(new ByteArrayInputStream(data, 0, 100), false);
        assertThat(store.resume(staged.id())).as("nor after an append that need not be durable").isEmpty();
        assertThat(staged.size()).isEqualTo(100);
        staged.append(new ByteArrayInputStream(data, 100, 200), false);
        assertThat(staged.commit(sha256(data))).isEqualTo(new BlobInfo(sha256(data), 300));
        assertThat(read(sha256(data))).isEqualTo(data);
        assertThatThrownBy(staged::size).as("committed").isInstanceOf(dev.wharf.spi.StorageException.class);

        StagedBlob dropped = store.stage();
        dropped.append(new ByteArrayInputStream(data, 0, 10), false);
        dropped.discard();
        assertThatThrownBy(dropped::size).as("discarded").isInstanceOf(dev.wharf.spi.StorageException.class);

        StagedBlob durable = store.stage();
        durable.append(new ByteArrayInputStream(new byte[0]), true);
        reopen();
        assertThat(store.resume(durable.id())).as("a durable append records even an empty write")
                .hasValueSatisfying(resumed -> assertThat(resumed.size()).isZero());
    }

    @Test
    void shouldResumeADurableChunkWithinTheLimitAfterAReopenWithoutAFile() throws IOException {
        byte[] data = random(600, 3);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(data, 0, 200), true);
        staged.append(new ByteArrayInputStream(data, 200, 100), false); // not acknowledged: may be lost
        assertThat(filesUnder("staging")).isZero();
        reopen();
        StagedBlob resumed = store.resume(staged.id()).orElseThrow();
        assertThat(resumed.size()).as("what the durable append recorded").isEqualTo(200);
        resumed.append(new ByteArrayInputStream(data, 200, 400), true);
        assertThat(resumed.commit(sha256(data)).size()).isEqualTo(600);
        assertThat(store.resume(staged.id())).as("committed: its record is gone").isEmpty();
        assertThat(read(sha256(data))).isEqualTo(data);
    }

    @Test
    void shouldMoveAWriteThatOutgrowsTheLimitAndResumeItByTheSameId() throws IOException {
        byte[] data = random(5 * LIMIT, 4);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(data, 0, LIMIT / 2), true);
        StagedWriter writer = staged.writer();
        writer.write(ByteBuffer.wrap(data, LIMIT / 2, 2 * LIMIT));
        writer.finish(true);
        assertThat(filesUnder("staging")).as("moved to a staging file").isEqualTo(1);
        reopen();
        StagedBlob resumed = store.resume(staged.id()).orElseThrow();
        assertThat(resumed.id()).isEqualTo(staged.id());
        assertThat(resumed.size()).isEqualTo(LIMIT / 2 + 2L * LIMIT);
        resumed.truncate(LIMIT);
        resumed.append(new ByteArrayInputStream(data, LIMIT, 4 * LIMIT), false);
        try (InputStream in = resumed.read()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        resumed.commit(sha256(data));
        assertThat(filesUnder("staging")).isZero();
        assertThat(filesUnder("blobs")).isEqualTo(1);
        assertThat(read(sha256(data))).isEqualTo(data);
    }

    @Test
    void shouldDiscardAMovedWriteThroughAnInstanceThatHadNotSeenTheMove() throws IOException {
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(new byte[0]), true); // recorded, so another instance can resume it
        StagedBlob other = store.resume(staged.id()).orElseThrow();
        staged.append(new ByteArrayInputStream(random(3 * LIMIT, 5)), true);
        assertThat(filesUnder("staging")).isEqualTo(1);
        other.discard();
        assertThat(filesUnder("staging")).as("the moved bytes are discarded too").isZero();
        assertThatThrownBy(staged::size).isInstanceOf(dev.wharf.spi.StorageException.class);
        assertThat(store.resume(staged.id())).isEmpty();
    }

    @Test
    void shouldVisitAndDeleteBlobsInBothPlaces() {
        List<BlobInfo> pushed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pushed.add(push(random(100 + i, 10 + i)));
            pushed.add(push(random(2 * LIMIT + i, 20 + i)));
        }
        BlobDeletion deletion = store.deletion().orElseThrow();
        List<BlobInfo> visited = new ArrayList<>();
        deletion.forEach(visited::add);
        assertThat(visited).containsExactlyInAnyOrderElementsOf(pushed);
        for (BlobInfo info : pushed) {
            assertThat(deletion.delete(info.digest())).isTrue();
            assertThat(store.stat(info.digest())).isEmpty();
            assertThat(store.open(info.digest(), 0, 0)).isEmpty();
            assertThat(deletion.delete(info.digest())).as("already gone").isFalse();
        }
        visited.clear();
        deletion.forEach(visited::add);
        assertThat(visited).isEmpty();
    }

    @Test
    void shouldPageThroughManyInlineBlobsWhenVisiting() {
        List<BlobInfo> pushed = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            pushed.add(push(("blob " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        List<BlobInfo> visited = new ArrayList<>();
        store.deletion().orElseThrow().forEach(visited::add);
        assertThat(visited).containsExactlyInAnyOrderElementsOf(pushed);
    }

    @Test
    void shouldStoreADigestOnceWhereverItWasFirstPut() throws IOException {
        byte[] data = random(3 * LIMIT, 6);
        Digest d = sha256(data);
        push(data);
        // The same bytes again, arriving in one small durable chunk at a time would still move; but a copy of
        // a stored digest is discarded, never written beside it.
        StagedBlob again = store.stage();
        again.append(new ByteArrayInputStream(data), false);
        assertThat(again.commit(d).size()).isEqualTo(data.length);
        assertThat(filesUnder("blobs")).isEqualTo(1);
        assertThat(filesUnder("staging")).isZero();
        assertThat(read(d)).isEqualTo(data);
    }

    @Test
    void shouldStoreEveryNewBlobInFilesWithALimitOfZeroAndStillReadInlineOnes() throws IOException {
        byte[] small = random(10, 7);
        push(small);
        store.close();
        store = meta.inlineBlobs(new FileSystemBlobStore(dir.resolve("files")), 0);
        byte[] other = random(10, 8);
        push(other);
        assertThat(filesUnder("blobs")).isEqualTo(1);
        assertThat(read(sha256(small))).isEqualTo(small);
        assertThat(read(sha256(other))).isEqualTo(other);
    }

    @Test
    void shouldRefuseALimitOutsideItsRange() {
        FileSystemBlobStore files = new FileSystemBlobStore(dir.resolve("other"));
        assertThatThrownBy(() -> meta.inlineBlobs(files, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> meta.inlineBlobs(files, InlineBlobStore.MAX_INLINE_BYTES_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inline blob limit");
    }

    @Test
    void shouldResumeAStagedWriteOfTheFilesStoreFromBeforeItWasWrapped() {
        FileSystemBlobStore files = new FileSystemBlobStore(dir.resolve("files"));
        StagedBlob old = files.stage();
        old.append(new ByteArrayInputStream(new byte[] {1, 2, 3}), true);
        StagedBlob resumed = store.resume(old.id()).orElseThrow();
        assertThat(resumed.size()).isEqualTo(3);
        assertThat(store.resume("inline-00000000-0000-0000-0000-000000000000")).isEmpty();
        assertThat(store.resume("inline-../../x")).isEmpty();
    }
}
