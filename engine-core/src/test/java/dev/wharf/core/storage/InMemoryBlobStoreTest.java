package dev.wharf.core.storage;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link InMemoryBlobStore} promises beyond the blob store contract (which engine-testkit runs against it):
 * large blobs off the heap, in temporary files whose names are gone at once and whose handles are released
 * when the blob is deleted or the store closed, and readers that a delete or an interrupt does not break.
 * The handle checks read {@code /proc/self/fd} and are skipped where there is none.
 */
class InMemoryBlobStoreTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path temporaryDirectory;

    private final List<InMemoryBlobStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        stores.forEach(InMemoryBlobStore::close);
    }

    private InMemoryBlobStore store(int maxHeapBlobBytes) {
        InMemoryBlobStore store = new InMemoryBlobStore(maxHeapBlobBytes, temporaryDirectory);
        stores.add(store);
        return store;
    }

    /** Deterministic bytes that differ from position to position and from seed to seed. */
    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 9) + seed * 7);
        }
        return bytes;
    }

    private static Digest sha256(byte[] bytes) {
        return DigestAlgorithm.SHA256.digest(bytes);
    }

    private static BlobInfo put(InMemoryBlobStore store, byte[] bytes) {
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(bytes), false);
        return staged.commit(sha256(bytes));
    }

    private static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(InMemoryBlobStore store, Digest digest) {
        long size = store.stat(digest).orElseThrow().size();
        return read(store.open(digest, 0, size).orElseThrow());
    }

    /** The open file handles of this process whose file is (or was) in {@code directory}. */
    private static long openFilesIn(Path directory) {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "no /proc/self/fd to count open files with");
        String prefix = directory.toAbsolutePath() + "/";
        try (Stream<Path> all = Files.list(fds)) {
            return all.map(InMemoryBlobStoreTest::target).filter(t -> t.startsWith(prefix)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed between the listing and the look
        }
    }

    private static List<Path> namesIn(Path directory) throws IOException {
        try (Stream<Path> names = Files.list(directory)) {
            return names.toList();
        }
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Runtime runtime = Runtime.getRuntime(); // java.management is not a module this one reads
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    @Test
    void shouldKeepA64MibBlobOffTheHeap() throws Exception {
        InMemoryBlobStore store = store(InMemoryBlobStore.DEFAULT_MAX_HEAP_BLOB_BYTES);
        byte[] piece = pattern(MIB, 1);
        MessageDigest pushed = MessageDigest.getInstance("SHA-256");
        long before = usedHeapAfterGc();

        StagedBlob staged = store.stage();
        try (StagedWriter writer = staged.writer()) {
            for (int i = 0; i < 64; i++) {
                writer.write(ByteBuffer.wrap(piece));
                pushed.update(piece);
            }
            writer.finish(true);
        }
        Digest digest = Digest.of(DigestAlgorithm.SHA256, pushed.digest());
        assertThat(staged.commit(digest)).isEqualTo(new BlobInfo(digest, 64L * MIB));
        long held = usedHeapAfterGc() - before;

        assertThat(held).as("heap bytes held for a stored 64 MiB blob").isLessThan(8L * MIB);
        MessageDigest pulled = MessageDigest.getInstance("SHA-256");
        try (InputStream in = store.open(digest, 0, 64L * MIB).orElseThrow()) {
            byte[] buffer = new byte[256 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                pulled.update(buffer, 0, n);
            }
        }
        assertThat(Digest.of(DigestAlgorithm.SHA256, pulled.digest())).as("exact bytes out").isEqualTo(digest);
    }

    @Test
    void shouldKeepSmallBlobsOnTheHeapWithoutTouchingTheFileSystem() throws IOException {
        InMemoryBlobStore store = store(64 * 1024);
        byte[] small = pattern(64 * 1024, 2);
        Digest digest = put(store, small).digest();
        assertThat(openFilesIn(temporaryDirectory)).isZero();
        assertThat(namesIn(temporaryDirectory)).isEmpty();
        assertThat(read(store, digest)).isEqualTo(small);
    }

    @Test
    void shouldMoveStagedBytesIntoAFileOnceTheyOutgrowTheLimit() {
        InMemoryBlobStore store = store(10);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(pattern(8, 3)));
        assertThat(openFilesIn(temporaryDirectory)).as("8 bytes of 10").isZero();
        staged.writer().write(ByteBuffer.wrap(pattern(8, 4)));
        assertThat(openFilesIn(temporaryDirectory)).as("16 bytes of 10").isEqualTo(1);
        assertThat(staged.size()).isEqualTo(16);

        staged.truncate(4);
        staged.append(new ByteArrayInputStream(pattern(3, 5)), false);
        byte[] expected = new byte[7];
        System.arraycopy(pattern(8, 3), 0, expected, 0, 4);
        System.arraycopy(pattern(3, 5), 0, expected, 4, 3);
        assertThat(read(staged.read())).isEqualTo(expected);
        Digest digest = staged.commit(sha256(expected)).digest();
        assertThat(openFilesIn(temporaryDirectory)).as("the staged file became the blob's").isEqualTo(1);
        assertThat(read(store, digest)).isEqualTo(expected);
    }

    @Test
    void shouldCopyDirectBuffersIntoTheFile() {
        InMemoryBlobStore store = store(0);
        byte[] data = pattern(600_000, 6);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        StagedBlob staged = store.stage();
        staged.writer().write(direct);
        assertThat(direct.hasRemaining()).isFalse();
        assertThat(read(store, staged.commit(sha256(data)).digest())).isEqualTo(data);
    }

    @Test
    void shouldLeaveNoNameInTheTemporaryDirectoryAtAnyTime() throws IOException {
        Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "Windows keeps an open file's name until it is closed");
        InMemoryBlobStore store = store(0);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(pattern(100_000, 7)));
        assertThat(namesIn(temporaryDirectory)).as("while staged").isEmpty();
        Digest digest = staged.commit(sha256(pattern(100_000, 7))).digest();
        assertThat(namesIn(temporaryDirectory)).as("once published").isEmpty();
        assertThat(read(store, digest)).isEqualTo(pattern(100_000, 7));
    }

    @Test
    void shouldReleaseTheFileWhenTheBlobIsDeleted() {
        InMemoryBlobStore store = store(1024);
        Digest digest = put(store, pattern(100_000, 8)).digest();
        assertThat(openFilesIn(temporaryDirectory)).isEqualTo(1);
        assertThat(store.delete(digest)).isTrue();
        assertThat(openFilesIn(temporaryDirectory)).isZero();
        assertThat(store.stat(digest)).isEmpty();
    }

    @Test
    void shouldReleaseTheFileOfADiscardedOrSupersededStagedWrite() {
        InMemoryBlobStore store = store(1024);
        StagedBlob discarded = store.stage();
        discarded.append(new ByteArrayInputStream(pattern(5_000, 9)));
        discarded.discard();
        byte[] data = pattern(5_000, 10);
        put(store, data);
        put(store, data); // the same digest again: the second staged copy is dropped
        assertThat(openFilesIn(temporaryDirectory)).as("the one published blob").isEqualTo(1);
    }

    @Test
    void shouldReadABlobToItsEndThroughAStreamOpenedBeforeItsDelete() throws IOException {
        InMemoryBlobStore store = store(0);
        byte[] data = pattern(300_000, 11);
        Digest digest = put(store, data).digest();
        try (InputStream in = store.open(digest, 1000, data.length - 1000).orElseThrow()) {
            byte[] head = in.readNBytes(10);
            store.delete(digest);
            assertThat(store.open(digest, 0, 1)).as("gone for new readers").isEmpty();
            assertThat(openFilesIn(temporaryDirectory)).as("still read").isEqualTo(1);
            byte[] all = new byte[data.length - 1000];
            System.arraycopy(head, 0, all, 0, 10);
            in.readNBytes(all, 10, all.length - 10);
            assertThat(all).isEqualTo(Arrays.copyOfRange(data, 1000, data.length));
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(openFilesIn(temporaryDirectory)).as("the last stream closed").isZero();
    }

    @Test
    void shouldServeWholeBlobsOrNothingToReadersWhileTheBlobIsDeletedAndStoredAgain() throws Exception {
        InMemoryBlobStore store = store(0);
        byte[] data = pattern(200_000, 12);
        Digest digest = put(store, data).digest();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger whole = new AtomicInteger();
        AtomicInteger absent = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        Optional<InputStream> in = store.open(digest, 0, data.length);
                        if (in.isEmpty()) {
                            absent.incrementAndGet();
                            continue;
                        }
                        assertThat(read(in.get())).isEqualTo(data);
                        whole.incrementAndGet();
                    }
                    return null;
                }));
            }
            Future<?> deleter = pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    assertThat(store.delete(digest)).isTrue();
                    Thread.yield();
                    put(store, data);
                }
                return null;
            });
            deleter.get();
            stop.set(true);
            for (Future<?> reader : readers) {
                reader.get();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(whole.get()).as("whole reads").isPositive();
        assertThat(openFilesIn(temporaryDirectory)).as("one blob stored, no reader left").isEqualTo(1);
        store.close();
        assertThat(openFilesIn(temporaryDirectory)).isZero();
    }

    @Test
    void shouldKeepTheBlobReadableAfterAnInterruptedReader() throws Exception {
        InMemoryBlobStore store = store(0);
        byte[] data = pattern(200_000, 13);
        Digest digest = put(store, data).digest();
        Thread.currentThread().interrupt(); // a channel would close itself, for every reader, under this read
        try {
            assertThat(read(store, digest)).isEqualTo(data);
        } finally {
            Thread.interrupted();
        }
        assertThat(read(store, digest)).as("read again, without the interrupt").isEqualTo(data);
    }

    @Test
    void shouldReleaseEveryFileWhenClosedEvenUnderAnOpenStream() throws IOException {
        InMemoryBlobStore store = store(1024);
        Digest first = put(store, pattern(10_000, 14)).digest();
        put(store, pattern(20_000, 15));
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(pattern(30_000, 16)));
        InputStream reading = store.open(first, 0, 10_000).orElseThrow();
        assertThat(reading.read()).isNotNegative();
        assertThat(openFilesIn(temporaryDirectory)).isEqualTo(3);

        store.close();
        store.close();

        assertThat(openFilesIn(temporaryDirectory)).isZero();
        assertThatThrownBy(() -> reading.read(new byte[10])).isInstanceOf(IOException.class);
        reading.close();
        assertThatThrownBy(() -> store.stat(first)).isInstanceOf(StorageException.class);
        assertThatThrownBy(store::stage).isInstanceOf(StorageException.class);
        assertThatThrownBy(staged::size).isInstanceOf(StorageException.class);
    }

    @Test
    void shouldCloseWithoutWaitingForAnAppendThatWaitsForItsBody() throws Exception {
        InMemoryBlobStore store = store(1024);
        CountDownLatch bodyStalled = new CountDownLatch(1);
        CountDownLatch bodyResumes = new CountDownLatch(1);
        InputStream slowBody = new InputStream() {
            private int sent;

            @Override
            public int read() {
                if (sent == 10_000) { // past the heap limit, so a file is open; then the client stalls
                    bodyStalled.countDown();
                    try {
                        bodyResumes.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return sent++ < 20_000 ? 'x' : -1;
            }
        };
        StagedBlob staged = store.stage();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Long> appending = pool.submit(() -> staged.append(slowBody));
            assertThat(bodyStalled.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(openFilesIn(temporaryDirectory)).isEqualTo(1);

            pool.submit(store::close).get(10, TimeUnit.SECONDS); // a close that waited for the append would hang here

            assertThat(openFilesIn(temporaryDirectory)).isZero();
            bodyResumes.countDown();
            assertThatThrownBy(appending::get).hasCauseInstanceOf(StorageException.class);
        } finally {
            bodyResumes.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void shouldReportAFailureToCreateATemporaryFileAsAStorageFailure() throws IOException {
        Path notADirectory = Files.writeString(temporaryDirectory.resolve("file"), "in the way");
        InMemoryBlobStore store = new InMemoryBlobStore(4, notADirectory);
        stores.add(store);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(pattern(4, 17)));
        assertThatThrownBy(() -> staged.append(new ByteArrayInputStream(pattern(1, 18))))
                .isInstanceOf(StorageException.class).hasMessageContaining(notADirectory.toString());
        assertThat(staged.size()).as("the heap bytes are kept").isEqualTo(4);
    }

    @Test
    void shouldCreateTheTemporaryDirectoryWhenTheFirstLargeBlobArrives() {
        Path missing = temporaryDirectory.resolve("not/yet");
        InMemoryBlobStore store = new InMemoryBlobStore(0, missing);
        stores.add(store);
        put(store, pattern(10, 19));
        assertThat(missing).isDirectory();
        assertThat(openFilesIn(missing)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAHeapLimitOutsideTheRange() {
        assertThatThrownBy(() -> new InMemoryBlobStore(-1, temporaryDirectory))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InMemoryBlobStore(Integer.MAX_VALUE, temporaryDirectory))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDefaultToTheJvmsTemporaryDirectoryAnd64Kib() {
        InMemoryBlobStore store = new InMemoryBlobStore();
        stores.add(store);
        assertThat(store.temporaryDirectory()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(store.maxHeapBlobBytes()).isEqualTo(64 * 1024);
    }
}
