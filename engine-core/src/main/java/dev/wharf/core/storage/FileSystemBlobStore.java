package dev.wharf.core.storage;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Durable, content-addressed blob bytes in a directory. The on-disk layout, owned by this class alone:
 *
 * <pre>
 * root/
 *   blobs/
 *     sha256/
 *       ab/
 *         abcdef0123...   one file per blob, named by its encoded digest, never modified once published
 *     sha512/...
 *   staging/
 *     &lt;uuid&gt;            bytes of an upload in progress (a {@link StagedBlob})
 * </pre>
 *
 * <p>Crash safety: staged bytes are fsync'd after each durable append, with the staging directory after the
 * first (so an acknowledged chunk survives a crash; large appends are written back in the background as
 * they arrive), and a blob is published by
 * fsync + atomic rename from {@code staging/} into {@code blobs/}, followed by an fsync of the target
 * directory (and of its parents when they were just created). A reader therefore sees the whole blob or
 * nothing, and a
 * crash leaves at worst an orphaned staging file, never a partial blob.
 *
 * <p>Offers the {@link BlobDeletion} role. I/O failures are {@link StorageException}s naming the file.
 */
public final class FileSystemBlobStore implements BlobStore, BlobDeletion {
    /** Copy buffer size: large enough to keep syscalls off the profile for multi-GiB uploads. */
    private static final int BUFFER_SIZE = 256 * 1024;
    /** The buffer an append starts with, enough for a typical config or small layer in one read. */
    private static final int FIRST_BUFFER_SIZE = 16 * 1024;
    /**
     * While one append writes a large body, its dirty pages are flushed in the background every this many
     * bytes: receiving and writing back overlap, and the fsync that ends the upload has little left to do.
     */
    private static final long BACKGROUND_FLUSH_BYTES = 4L * 1024 * 1024;
    /** Sizes remembered (a digest's size never changes), so HEAD and GET skip a stat syscall. */
    private static final int SIZE_CACHE_ENTRIES = 100_000;
    private static final Pattern STAGED_ID = Pattern.compile("[0-9a-f-]{36}");

    private final Path blobsDir;
    private final Path stagingDir;
    private final Map<Digest, Long> sizes = new ConcurrentHashMap<>();
    private final ExecutorService flusher = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wharf-blob-flush");
        t.setDaemon(true);
        return t;
    });

    /** Opens (creating if needed) a blob store rooted at {@code root}. */
    public FileSystemBlobStore(Path root) {
        try {
            this.blobsDir = Files.createDirectories(root.resolve("blobs"));
            this.stagingDir = Files.createDirectories(root.resolve("staging"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create blob store under " + root, e);
        }
    }

    private Path pathOf(Digest digest) {
        String hex = digest.encoded();
        return blobsDir.resolve(digest.algorithm().id()).resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** An I/O step of this store. */
    private interface IoCall<T> {
        T run() throws IOException;
    }

    /** Runs {@code call}, reporting an I/O failure as the SPI's {@link StorageException}. */
    private static <T> T io(String what, IoCall<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw StorageException.ofIo("blob store: cannot " + what + ": " + e, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        Long known = sizes.get(digest);
        if (known != null) {
            return Optional.of(new BlobInfo(digest, known));
        }
        try {
            long size = Files.size(pathOf(digest));
            remember(digest, size);
            return Optional.of(new BlobInfo(digest, size));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StorageException.ofIo("blob store: cannot stat " + digest + ": " + e, e);
        }
    }

    private void remember(Digest digest, long size) {
        if (sizes.size() >= SIZE_CACHE_ENTRIES) {
            sizes.clear(); // crude but bounded; refills from the hot set
        }
        sizes.put(digest, size);
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        FileChannel channel;
        try {
            channel = FileChannel.open(pathOf(digest), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("blob store: cannot open " + digest + ": " + e, e);
        }
        try {
            long size = channel.size();
            // Never offset + length: it overflows for a huge length, and the range would pass.
            if (offset < 0 || length < 0 || offset > size || length > size - offset) {
                throw new IllegalArgumentException("range " + offset + "+" + length + " outside blob " + digest);
            }
            return Optional.of(new FileRangeStream(channel, offset, length));
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IOException io ? new StorageException("blob store: cannot read " + digest, io)
                    : (RuntimeException) e;
        }
    }

    @Override
    public StagedBlob stage() {
        String id = UUID.randomUUID().toString();
        io("create a staging file", () -> Files.createFile(stagingDir.resolve(id)));
        // The name is made durable by the first durable append: until a chunk is acknowledged there is
        // nothing a power loss could take, and a push whose bytes all arrive with its commit never needs it.
        return new Staged(id);
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        if (!STAGED_ID.matcher(stagedId).matches() || !Files.isRegularFile(stagingDir.resolve(stagedId))) {
            return Optional.empty();
        }
        return Optional.of(new Staged(stagedId));
    }

    /** This store deletes: it is its own {@link BlobDeletion}. */
    @Override
    public Optional<BlobDeletion> deletion() {
        return Optional.of(this);
    }

    @Override
    public boolean delete(Digest digest) {
        try {
            return io("delete " + digest, () -> Files.deleteIfExists(pathOf(digest)));
        } finally {
            sizes.remove(digest); // after the file is gone, so a racing stat cannot leave a stale size behind
        }
    }

    @Override
    public void forEach(Consumer<BlobInfo> visitor) {
        io("list the stored blobs", () -> {
            visitAll(visitor);
            return null;
        });
    }

    private void visitAll(Consumer<BlobInfo> visitor) throws IOException {
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            Path algDir = blobsDir.resolve(algorithm.id());
            if (!Files.isDirectory(algDir)) {
                continue;
            }
            try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(algDir)) {
                for (Path prefix : prefixes) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix)) {
                        for (Path file : files) {
                            Digest d = Digest.parse(algorithm.id() + ":" + file.getFileName());
                            visitor.accept(new BlobInfo(d, Files.size(file)));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdown(); // nothing else is held open between calls
    }

    private static void awaitFlush(Future<?> flushing) throws IOException {
        if (flushing == null) {
            return;
        }
        try {
            flushing.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while flushing a staged blob");
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private final class Staged implements StagedBlob {
        private final String id;
        private final Path file;
        /**
         * Whether the staging directory has been fsync'd since this file was created. A resumed file starts
         * false too: the crash before the restart may have been a process crash with the name still unflushed.
         */
        private boolean nameDurable;

        Staged(String id) {
            this.id = id;
            this.file = stagingDir.resolve(id);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long size() {
            return io("read the size of staged write " + id, () -> Files.size(file));
        }

        @Override
        public long append(InputStream in, boolean durable) {
            return io("append to staged write " + id, () -> appendChecked(in, durable));
        }

        private long appendChecked(InputStream in, boolean durable) throws IOException {
            long total = 0;
            OpenWrite out = new OpenWrite();
            try {
                // Small first: most blobs are small, and zeroing a large buffer per request showed in
                // the profile of concurrent 4 KiB pushes. A body that fills it gets the large one.
                byte[] buf = new byte[FIRST_BUFFER_SIZE];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                int n;
                while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                    bb.clear().limit(n);
                    out.put(bb);
                    if (n == buf.length && buf.length < BUFFER_SIZE) {
                        buf = new byte[BUFFER_SIZE];
                        bb = ByteBuffer.wrap(buf);
                    }
                    total += n;
                }
                out.end(durable);
            } finally {
                out.close(); // after a failure; nothing left to do after end
            }
            return total;
        }

        /** Keeps the staged file open between pieces, flushing in the background as {@link #append} does. */
        @Override
        public StagedWriter writer() {
            return io("open staged write " + id, OpenWrite::new);
        }

        /**
         * The staged file open for appending, for one {@link #append} or one {@link #writer()}: its dirty pages
         * are written back in the background every {@link #BACKGROUND_FLUSH_BYTES}, so receiving and writing back
         * overlap and the fsync that ends the write has little left to do.
         */
        private final class OpenWrite implements StagedWriter {
            private final FileChannel ch;
            private Future<?> flushing;
            private long unflushed;
            private boolean closed;

            OpenWrite() throws IOException {
                ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }

            void put(ByteBuffer bytes) throws IOException {
                int n = bytes.remaining();
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                unflushed += n;
                if (unflushed >= BACKGROUND_FLUSH_BYTES && (flushing == null || flushing.isDone())) {
                    awaitFlush(flushing);
                    flushing = flusher.submit(() -> {
                        ch.force(false);
                        return null;
                    });
                    unflushed = 0;
                }
            }

            /** Waits for the background write-back, fsyncs if {@code durable}, and closes the file. */
            void end(boolean durable) throws IOException {
                try {
                    awaitFlush(flushing); // never close the channel under a running force
                    if (durable) {
                        ch.force(false); // the session offset that acknowledges these bytes is recorded next
                        if (!nameDurable) {
                            fsyncDirectory(stagingDir); // or a power loss could drop the file with the chunk
                            nameDurable = true;
                        }
                    }
                } finally {
                    closed = true;
                    ch.close();
                }
            }

            @Override
            public void write(ByteBuffer bytes) {
                io("append to staged write " + id, () -> {
                    put(bytes);
                    return null;
                });
            }

            @Override
            public void finish(boolean durable) {
                io("finish staged write " + id, () -> {
                    end(durable);
                    return null;
                });
            }

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    awaitFlush(flushing); // never close the channel under a running force
                } catch (IOException e) {
                    // the write is being abandoned; the engine truncates or discards it next
                } finally {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        // nothing more to release
                    }
                }
            }
        }

        @Override
        public void truncate(long size) {
            io("truncate staged write " + id, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(size);
                    ch.force(false);
                }
                return null;
            });
        }

        @Override
        public InputStream read() {
            return io("read staged write " + id, () -> Files.newInputStream(file));
        }

        @Override
        public BlobInfo commit(Digest digest) {
            return io("publish staged write " + id + " as " + digest, () -> commitChecked(digest));
        }

        private BlobInfo commitChecked(Digest digest) throws IOException {
            Path target = pathOf(digest);
            long size = Files.size(file);
            if (Files.exists(target)) {
                discard();
                return new BlobInfo(digest, size);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Path parent = target.getParent();
            if (!Files.isDirectory(parent)) {
                // First blob of this prefix (or algorithm): make the new directories' names durable as well.
                Files.createDirectories(parent);
                fsyncDirectory(parent.getParent());
                fsyncDirectory(blobsDir);
            }
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                discard(); // a concurrent upload of the same bytes won: same content, keep theirs
                return new BlobInfo(digest, size);
            } catch (AtomicMoveNotSupportedException e) {
                discard();
                throw new IOException("blob store directory does not support atomic rename", e);
            }
            fsyncDirectory(parent);
            return new BlobInfo(digest, size);
        }

        @Override
        public void discard() {
            io("discard staged write " + id, () -> Files.deleteIfExists(file));
        }
    }
}
