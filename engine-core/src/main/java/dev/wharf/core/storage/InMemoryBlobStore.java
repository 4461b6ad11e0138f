package dev.wharf.core.storage;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Blob bytes that live as long as the store, for tests and throwaway registries: nothing survives the store's
 * {@link #close()} or the JVM. Staged writes live in the store too, so {@link #resume(String)} works while it
 * is open.
 *
 * <p>Small blobs, up to {@link #maxHeapBlobBytes()} (64 KiB by default), stay in heap arrays: configs and small
 * layers are pushed and read without touching the file system. A larger blob, staged or published, moves into
 * a temporary file ({@link TempBlobFile}) in {@link #temporaryDirectory()} ({@code java.io.tmpdir} by
 * default) as soon as it outgrows the limit, so a registry's heap does not grow with the large bytes it holds:
 * a 64 MiB layer costs the heap nothing, and the file's pages are the kernel's cache, not the process's
 * memory. The file's name is removed as soon as it is open, so no file is left behind when the blob is
 * deleted, the store closed, or the JVM killed; each such blob holds one open file handle instead. Nothing is
 * fsync'd: the bytes need not survive a crash.
 *
 * <p>Publishing a staged file moves the file into the store without copying. A stream opened before a delete
 * reads the whole blob; {@link #close()} releases every file at once, and streams still open then fail.
 */
public final class InMemoryBlobStore implements BlobStore, BlobDeletion {
    /**
     * The default of {@link #maxHeapBlobBytes()}: a trade of heap for speed, the heap being always faster. A file
     * costs some 20 µs to create, open, unname and close, many times a small blob's whole push and read on the
     * heap; above 64 KiB a blob pays a fraction of a millisecond for its file, and the heap holds at most this
     * much per blob (measurements in docs/storage.md).
     */
    public static final int DEFAULT_MAX_HEAP_BLOB_BYTES = 64 * 1024;
    /** The buffer an append starts with: a small blob arrives in one read. */
    private static final int FIRST_BUFFER_SIZE = 16 * 1024;
    /** The buffer an append grows to once the body fills the first: few system calls for large blobs. */
    private static final int BUFFER_SIZE = 256 * 1024;
    /** Arrays cannot be longer than this on every JVM. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final byte[] EMPTY = new byte[0];

    private final int maxHeapBlobBytes;
    private final Path temporaryDirectory;
    private final Map<Digest, Blob> blobs = new ConcurrentHashMap<>();
    private final Map<String, Staged> staged = new ConcurrentHashMap<>();
    /** Every temporary file not yet closed, staged or published, so that {@link #close()} reaches them all. */
    private final Set<TempBlobFile> files = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A store that keeps blobs up to 64 KiB on the heap and larger ones in files under {@code java.io.tmpdir}. */
    public InMemoryBlobStore() {
        this(DEFAULT_MAX_HEAP_BLOB_BYTES, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * A store that keeps blobs of up to {@code maxHeapBlobBytes} on the heap (0: none but the empty blob) and
     * larger ones in temporary files in {@code temporaryDirectory}, created when the first such blob arrives.
     * Point it at a disk rather than a RAM-backed file system (tmpfs) to take large blobs out of memory
     * altogether.
     *
     * @throws IllegalArgumentException if {@code maxHeapBlobBytes} is negative or not below 2 GiB
     */
    public InMemoryBlobStore(int maxHeapBlobBytes, Path temporaryDirectory) {
        if (maxHeapBlobBytes < 0 || maxHeapBlobBytes > MAX_ARRAY) {
            throw new IllegalArgumentException("maxHeapBlobBytes must be between 0 and " + MAX_ARRAY + ": "
                    + maxHeapBlobBytes);
        }
        this.maxHeapBlobBytes = maxHeapBlobBytes;
        this.temporaryDirectory = java.util.Objects.requireNonNull(temporaryDirectory, "temporaryDirectory");
    }

    /** The largest blob kept on the heap; larger ones live in temporary files. */
    public int maxHeapBlobBytes() {
        return maxHeapBlobBytes;
    }

    /** Where temporary files of large blobs are created (their names are removed at once). */
    public Path temporaryDirectory() {
        return temporaryDirectory;
    }

    private void requireOpen() {
        if (closed) {
            throw new StorageException("the in-memory blob store is closed");
        }
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        requireOpen();
        Blob blob = blobs.get(digest);
        return blob == null ? Optional.empty() : Optional.of(new BlobInfo(digest, blob.size()));
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        requireOpen();
        Blob blob = blobs.get(digest);
        if (blob == null) {
            return Optional.empty();
        }
        long size = blob.size();
        // Never offset + length: it overflows for a huge length, and the range would pass.
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside blob of " + size);
        }
        return blob.open(offset, length);
    }

    @Override
    public StagedBlob stage() {
        requireOpen();
        Staged s = new Staged(UUID.randomUUID().toString());
        staged.put(s.id, s);
        return s;
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        requireOpen();
        return Optional.ofNullable(staged.get(stagedId));
    }

    /** This store deletes: it is its own {@link BlobDeletion}. */
    @Override
    public Optional<BlobDeletion> deletion() {
        return Optional.of(this);
    }

    /** Removes the blob; its temporary file, if any, goes when the last stream reading it is closed. */
    @Override
    public boolean delete(Digest digest) {
        requireOpen();
        Blob blob = blobs.remove(digest);
        if (blob == null) {
            return false;
        }
        blob.drop();
        return true;
    }

    @Override
    public void forEach(Consumer<BlobInfo> visitor) {
        requireOpen();
        blobs.forEach((d, b) -> visitor.accept(new BlobInfo(d, b.size())));
    }

    /**
     * Drops every blob and staged write and closes every temporary file, even one a stream still reads or an
     * append still writes (they then fail). Never waits for a staged write's caller. Idempotent; every other
     * method fails afterwards.
     */
    @Override
    public void close() {
        closed = true;
        staged.clear();
        blobs.clear();
        files.forEach(TempBlobFile::close); // a file created meanwhile sees closed and closes itself (newFile)
    }

    /** A new temporary file, known to {@link #close()} until it is closed. */
    private TempBlobFile newFile() throws IOException {
        TempBlobFile file = TempBlobFile.create(temporaryDirectory, files::remove);
        files.add(file);
        if (closed) { // after the add: either close() saw this file, or this sees closed
            file.close();
            requireOpen();
        }
        return file;
    }

    /** A published blob's bytes. */
    private interface Blob {
        long size();

        /** A stream of a range already checked against {@link #size()}; empty if the blob went meanwhile. */
        Optional<InputStream> open(long offset, long length);

        /** The store no longer holds it; a file goes when its last stream closes. */
        void drop();
    }

    /** A small blob in an exact-length heap array. */
    private record HeapBlob(byte[] bytes) implements Blob {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public Optional<InputStream> open(long offset, long length) {
            return Optional.of(new ByteArrayInputStream(bytes, (int) offset, (int) length));
        }

        @Override
        public void drop() {
        }
    }

    /** A large blob in a temporary file, which the blob's one reference keeps open. */
    private record FileBlob(TempBlobFile file, long size) implements Blob {
        @Override
        public Optional<InputStream> open(long offset, long length) {
            return file.retain() ? Optional.of(file.stream(offset, length)) : Optional.empty();
        }

        @Override
        public void drop() {
            file.release();
        }
    }

    /**
     * The bytes of one upload: in a heap array while they fit {@link #maxHeapBlobBytes}, then in a temporary
     * file for good (a truncate below the limit does not move them back). Methods are synchronized: a write
     * may be resumed through {@link #resume(String)}, which answers this same object.
     */
    private final class Staged implements StagedBlob {
        private final String id;
        private byte[] heap = EMPTY;
        private int heapSize;
        private TempBlobFile file;
        private boolean gone;

        Staged(String id) {
            this.id = id;
        }

        private void requirePresent() {
            if (gone) {
                throw new StorageException("staged write " + id + " was discarded");
            }
            requireOpen();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public synchronized long size() {
            requirePresent();
            return file == null ? heapSize : file.length();
        }

        @Override
        public synchronized long append(InputStream in, boolean durable) {
            requirePresent();
            try {
                long total = 0;
                // While the bytes fit the heap, read them straight into its array: no buffer to fill and copy.
                while (file == null) {
                    if (heapSize == heap.length) {
                        if (heap.length > 0 || maxHeapBlobBytes == 0) {
                            // Full: one byte tells the end of the body from more to come before the array grows
                            // or moves into a file (an array the body filled exactly is published as it is).
                            int next = in.read();
                            if (next < 0) {
                                return total;
                            }
                            put(new byte[] {(byte) next}, 0, 1);
                            total++;
                            continue;
                        }
                        // Sized by what the body has ready: all of it for a body already in memory.
                        int ready = in.available();
                        heap = new byte[Math.min(maxHeapBlobBytes, ready > 0 ? ready : FIRST_BUFFER_SIZE)];
                    }
                    int n = in.read(heap, heapSize, heap.length - heapSize);
                    if (n < 0) {
                        return total;
                    }
                    heapSize += n;
                    total += n;
                }
                byte[] buffer = new byte[FIRST_BUFFER_SIZE];
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    put(buffer, 0, n);
                    total += n;
                    if (n == buffer.length && buffer.length < BUFFER_SIZE) {
                        buffer = new byte[BUFFER_SIZE]; // a large body: fewer, larger writes
                    }
                }
                return total;
            } catch (IOException e) {
                throw new StorageException("cannot read the bytes to stage: " + e, e);
            }
        }

        /** Appends the bytes between the buffer's position and limit, for {@link #writer()}. */
        private synchronized void put(ByteBuffer bytes) {
            requirePresent();
            if (bytes.hasArray()) {
                put(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                bytes.position(bytes.limit());
                return;
            }
            byte[] copy = new byte[Math.min(bytes.remaining(), BUFFER_SIZE)];
            while (bytes.hasRemaining()) {
                int n = Math.min(copy.length, bytes.remaining());
                bytes.get(copy, 0, n);
                put(copy, 0, n);
            }
        }

        private void put(byte[] bytes, int offset, int len) {
            if (file == null && len > maxHeapBlobBytes - heapSize) {
                spill();
            }
            if (file == null) {
                if (len > heap.length - heapSize) {
                    // Doubling, never past the limit (which heapSize + len is within: a larger piece spilled).
                    long capacity = Math.max(2L * heap.length, heapSize + len);
                    heap = Arrays.copyOf(heap, (int) Math.min(maxHeapBlobBytes, capacity));
                }
                System.arraycopy(bytes, offset, heap, heapSize, len);
                heapSize += len;
                return;
            }
            try {
                file.append(bytes, offset, len);
            } catch (IOException e) {
                throw StorageException.ofIo("in-memory blob store: cannot append to the temporary file of staged "
                        + "write " + id + ": " + e, e);
            }
        }

        /** Moves the bytes so far out of the heap into a temporary file, where every later byte goes too. */
        private void spill() {
            TempBlobFile created;
            try {
                created = newFile();
            } catch (IOException e) {
                throw StorageException.ofIo("in-memory blob store: cannot create a temporary file in "
                        + temporaryDirectory + " for a blob over " + maxHeapBlobBytes + " bytes: " + e, e);
            }
            try {
                created.append(heap, 0, heapSize);
            } catch (IOException e) {
                created.close();
                throw StorageException.ofIo("in-memory blob store: cannot write the temporary file of staged "
                        + "write " + id + ": " + e, e);
            }
            file = created;
            heap = EMPTY;
            heapSize = 0;
        }

        @Override
        public synchronized StagedWriter writer() {
            requirePresent();
            return new StagedWriter() {
                @Override
                public void write(ByteBuffer bytes) {
                    put(bytes);
                }

                @Override
                public void finish(boolean durable) {
                    // nothing is buffered, and nothing is durable
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public synchronized void truncate(long size) {
            requirePresent();
            if (file == null) {
                heapSize = (int) Math.min(heapSize, Math.max(0, size));
                return;
            }
            try {
                file.truncate(size);
            } catch (IOException e) {
                throw StorageException.ofIo("in-memory blob store: cannot truncate staged write " + id + ": " + e, e);
            }
        }

        @Override
        public synchronized InputStream read() {
            requirePresent();
            if (file == null) {
                // A copy: the array is written again after a truncate, under a stream still being read.
                return new ByteArrayInputStream(Arrays.copyOf(heap, heapSize));
            }
            if (!file.retain()) {
                throw new StorageException("staged write " + id + " was discarded");
            }
            return file.stream(0, file.length());
        }

        @Override
        public synchronized BlobInfo commit(Digest digest) {
            requirePresent();
            Blob blob = file != null ? new FileBlob(file, file.length())
                    : new HeapBlob(heap.length == heapSize ? heap : Arrays.copyOf(heap, heapSize));
            file = null; // the blob owns it now
            discard();
            if (blobs.putIfAbsent(digest, blob) != null) {
                blob.drop(); // a blob with this digest exists: keep it, drop the staged copy
            }
            return new BlobInfo(digest, blob.size());
        }

        @Override
        public synchronized void discard() {
            gone = true;
            staged.remove(id);
            heap = EMPTY;
            heapSize = 0;
            if (file != null) {
                file.release(); // a stream still reading the staged bytes keeps the file until it closes
                file = null;
            }
        }
    }
}
