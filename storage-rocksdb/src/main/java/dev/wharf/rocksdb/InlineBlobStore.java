package dev.wharf.rocksdb;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.rocksdb.KeySchema.StagedState;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobRedirects;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;
import org.rocksdb.RocksDBException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import static dev.wharf.rocksdb.KeySchema.INLINE_BLOBS;
import static dev.wharf.rocksdb.KeySchema.Root.ROOT;
import static dev.wharf.rocksdb.KeySchema.STAGED;

/**
 * A {@link BlobStore} that keeps small blobs in the metadata store's RocksDB and passes larger ones to another
 * store: a 4 KiB config or layer costs one write to the RocksDB WAL, shared with the link that makes it visible
 * and synced together with concurrent pushes (group commit), instead of a file, two fsyncs and a directory
 * entry. Made by {@link RocksDbMetadataStore#inlineBlobs(BlobStore, int)}.
 *
 * <p>Where a blob lives follows from how its bytes arrive. A staged write keeps its bytes in memory while they
 * fit in the limit; a durable append (an acknowledged chunk) records them in the {@code staged} column, and a new
 * write records nothing before that (a monolithic push of a small blob never does). Once they outgrow the limit
 * they move, once, to a staged write of the larger store, and the {@code staged} record names it, so the write
 * resumes by the same id after a restart. A commit publishes bytes still within the limit
 * into {@code inline_blobs}, in one batch with the removal of the staged record; larger ones are committed by
 * the larger store. A digest is stored in one place: a commit of a digest already stored anywhere discards.
 *
 * <p>Durability: a commit within the limit, and a staged write's state, are RocksDB writes that survive a crash
 * once {@link RocksDbMetadataStore#sync()} returns on the same thread, which the engine calls before it
 * acknowledges anything (and after linking the blob, in the same WAL, so a crash never keeps a link without its
 * bytes). A durable append syncs before it returns, as the SPI asks.
 *
 * <p>Reads look in {@code inline_blobs} first (a point look-up behind a Bloom filter) and then in the larger
 * store. Deletion and redirects are offered when the larger store offers them; an inline blob is never
 * redirected. Closing this store closes the larger one; the RocksDB database belongs to the metadata store,
 * which the registry closes too.
 */
public final class InlineBlobStore implements BlobStore {
    /**
     * The default limit: blobs up to this size are stored inline. Image configs, small layers and artifacts'
     * metadata blobs fit; every inline blob is also a RocksDB value, so the limit stays far below the sizes
     * (megabytes) where RocksDB recommends its blob files.
     */
    public static final int DEFAULT_MAX_INLINE_BYTES = 64 * 1024;
    /** The largest limit accepted. */
    public static final int MAX_INLINE_BYTES_LIMIT = 1024 * 1024;
    /** How many inline blobs {@link BlobDeletion#forEach} reads per guarded scan. */
    private static final int SCAN_PAGE = 1024;
    private static final String ID_PREFIX = "inline-";
    private static final Pattern ID = Pattern.compile(ID_PREFIX + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Database database;
    private final BlobStore larger;
    private final int maxInlineBytes;
    private final Optional<BlobDeletion> deletion;
    private final Optional<BlobRedirects> redirects;

    InlineBlobStore(Database database, BlobStore larger, int maxInlineBytes) {
        this.database = database;
        this.larger = larger;
        this.maxInlineBytes = requireValidLimit(maxInlineBytes);
        this.deletion = larger.deletion().map(Deletion::new);
        this.redirects = larger.redirects().map(r -> digest -> isInline(digest) ? Optional.empty() : r.readRedirect(digest));
    }

    /**
     * Returns {@code maxInlineBytes} if it is a limit this store accepts, 0 to {@link #MAX_INLINE_BYTES_LIMIT}: for
     * configuration that checks a limit when it is given, before any store is opened.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static int requireValidLimit(int maxInlineBytes) {
        if (maxInlineBytes < 0 || maxInlineBytes > MAX_INLINE_BYTES_LIMIT) {
            throw new IllegalArgumentException("inline blob limit must be 0 to " + MAX_INLINE_BYTES_LIMIT
                    + " bytes, not " + maxInlineBytes);
        }
        return maxInlineBytes;
    }

    /** Blobs up to this many bytes are stored inline. */
    public int maxInlineBytes() {
        return maxInlineBytes;
    }

    /** The store that holds the blobs larger than {@link #maxInlineBytes()}. */
    public BlobStore larger() {
        return larger;
    }

    private boolean isInline(Digest digest) {
        return database.guarded(() -> database.valueLength(INLINE_BLOBS, ROOT, digest)) >= 0;
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        int length = database.guarded(() -> database.valueLength(INLINE_BLOBS, ROOT, digest));
        return length >= 0 ? Optional.of(new BlobInfo(digest, length)) : larger.stat(digest);
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        Optional<byte[]> bytes = database.guarded(() -> database.get(INLINE_BLOBS, ROOT, digest));
        if (bytes.isEmpty()) {
            return larger.open(digest, offset, length);
        }
        int size = bytes.get().length;
        // Never offset + length: it overflows for a huge length, and the range would pass.
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside blob " + digest);
        }
        return Optional.of(new ByteArrayInputStream(bytes.get(), (int) offset, (int) length));
    }

    @Override
    public StagedBlob stage() {
        // Nothing written yet: the first durable append (or a move to the larger store) records the write, as the
        // SPI allows. Until then only this instance knows it, and resume() does not find it.
        return new Staged(ID_PREFIX + UUID.randomUUID(), new byte[0], null, false);
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        if (!ID.matcher(stagedId).matches()) {
            // Not one of ours: a staged write the larger store began before this store wrapped it.
            return larger.resume(stagedId);
        }
        Optional<StagedState> state = database.guarded(() -> database.get(STAGED, ROOT, stagedId));
        if (state.isEmpty()) {
            return Optional.empty();
        }
        if (state.get().movedTo() == null) {
            return Optional.of(new Staged(stagedId, state.get().bytes(), null, true));
        }
        return larger.resume(state.get().movedTo()).map(moved -> new Staged(stagedId, null, moved, true));
    }

    @Override
    public OptionalLong minimumChunkSize() {
        return larger.minimumChunkSize();
    }

    @Override
    public Optional<BlobDeletion> deletion() {
        return deletion;
    }

    @Override
    public Optional<BlobRedirects> redirects() {
        return redirects;
    }

    /** Closes the larger store; the database is the metadata store's to close. */
    @Override
    public void close() {
        larger.close();
    }

    /** What one change adds to its batch. */
    private interface Change {
        void addTo(Batch batch) throws RocksDBException;
    }

    /** Writes {@code change} as one batch, without a sync (the engine's {@code sync()} makes it durable). */
    private void write(Change change) {
        database.guarded(() -> {
            try (Batch batch = database.batch()) {
                change.addTo(batch);
                batch.commit();
            }
            return null;
        });
    }

    /** Whether the staged record {@code id} is still there: a write discarded or committed elsewhere is not. */
    private boolean staged(String id) {
        return database.guarded(() -> database.valueLength(STAGED, ROOT, id)) >= 0;
    }

    private void deleteState(String id) {
        write(batch -> batch.delete(STAGED, ROOT, id));
    }

    /**
     * One staged write: bytes in memory ({@link #bytes}, {@link #size}) until they outgrow the limit, then a
     * staged write of the larger store ({@link #moved}). Used by one thread at a time, as the SPI says.
     */
    private final class Staged implements StagedBlob {
        private final String id;
        private byte[] bytes;
        private int size;
        /** How many of {@link #bytes} the {@code staged} record holds (what the last durable append made durable). */
        private int recorded;
        private StagedBlob moved;
        private StagedWriter movedWriter;
        private boolean gone;
        /**
         * Whether the {@code staged} record exists: false for a new write until its first durable append or move.
         * Only a recorded write can be resumed, and so committed or discarded through another instance.
         */
        private boolean stored;

        Staged(String id, byte[] bytes, StagedBlob moved, boolean stored) {
            this.id = id;
            this.bytes = bytes == null ? new byte[0] : bytes;
            this.size = this.bytes.length;
            this.recorded = size;
            this.moved = moved;
            this.stored = stored;
        }

        /** Records {@code state} as this write's {@code staged} record. */
        private void store(StagedState state) {
            write(batch -> batch.put(STAGED, ROOT, id, state));
            stored = true;
        }

        @Override
        public String id() {
            return id;
        }

        /** Fails unless this write is still staged (not committed or discarded, here or through another instance). */
        private void requireStaged() {
            if (gone || stored && !staged(id)) {
                gone = true;
                throw new StorageException("staged write " + id + " is gone (committed or discarded)");
            }
        }

        @Override
        public long size() {
            requireStaged();
            return moved != null ? moved.size() : size;
        }

        @Override
        public long append(InputStream in, boolean durable) {
            requireStaged();
            if (moved != null) {
                return moved.append(in, durable);
            }
            long start = size;
            byte[] chunk = new byte[8192];
            int n;
            try {
                while ((n = in.read(chunk)) > 0) {
                    if (!fits(n)) {
                        long kept = size - start;
                        move();
                        moved.append(new ByteArrayInputStream(chunk, 0, n), false);
                        long rest = moved.append(in, durable);
                        if (durable) {
                            database.sync(); // the staged record that names the moved write
                        }
                        return kept + n + rest;
                    }
                    keep(ByteBuffer.wrap(chunk, 0, n));
                }
            } catch (IOException e) {
                throw new StorageException("cannot read the bytes for staged write " + id + ": " + e, e);
            }
            if (durable) {
                record();
            }
            return size - start;
        }

        private boolean fits(int more) {
            return size + (long) more <= maxInlineBytes;
        }

        /** Keeps the buffer's remaining bytes in memory; the caller has checked that they {@link #fits fit}. */
        private void keep(ByteBuffer from) {
            int length = from.remaining();
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(maxInlineBytes, Math.max(size + length, bytes.length * 2)));
            }
            from.get(bytes, size, length);
            size += length;
        }

        /** Records the bytes held so far as this write's durable state and waits for the WAL sync. */
        private void record() {
            if (recorded != size || !stored) {
                store(StagedState.inline(bytes, size));
                recorded = size;
            }
            database.sync();
        }

        /**
         * Moves the bytes held so far to a new staged write of the larger store, and names it in the
         * {@code staged} record (made durable with the larger store's write, by the next durable append).
         */
        private void move() {
            StagedBlob target = larger.stage();
            try {
                if (size > 0) {
                    target.append(new ByteArrayInputStream(bytes, 0, size), false);
                }
                store(StagedState.moved(target.id()));
            } catch (RuntimeException e) {
                try {
                    target.discard();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            moved = target;
            bytes = null;
        }

        @Override
        public StagedWriter writer() {
            requireStaged();
            if (moved != null) {
                return moved.writer();
            }
            return new StagedWriter() {
                @Override
                public void write(ByteBuffer buffer) {
                    if (movedWriter == null && fits(buffer.remaining())) {
                        keep(buffer);
                        return;
                    }
                    if (movedWriter == null) {
                        move();
                        movedWriter = moved.writer();
                    }
                    movedWriter.write(buffer);
                }

                @Override
                public void finish(boolean durable) {
                    if (movedWriter != null) {
                        movedWriter.finish(durable);
                        movedWriter = null;
                        if (durable) {
                            database.sync();
                        }
                    } else if (durable) {
                        record();
                    }
                }

                @Override
                public void close() {
                    if (movedWriter != null) {
                        movedWriter.close();
                        movedWriter = null;
                    }
                }
            };
        }

        @Override
        public void truncate(long newSize) {
            requireStaged();
            if (moved != null) {
                moved.truncate(newSize);
                return;
            }
            if (newSize < 0 || newSize > size) {
                throw new IllegalArgumentException("cannot truncate " + size + " staged bytes to " + newSize);
            }
            size = (int) newSize;
            if (recorded > size) {
                store(StagedState.inline(bytes, size));
                recorded = size;
            }
        }

        @Override
        public InputStream read() {
            requireStaged();
            return moved != null ? moved.read() : new ByteArrayInputStream(Arrays.copyOf(bytes, size));
        }

        @Override
        public BlobInfo commit(Digest digest) {
            requireStaged();
            Optional<BlobInfo> existing = stat(digest);
            if (existing.isPresent()) {
                discard();
                return existing.get();
            }
            if (moved != null) {
                BlobInfo info = moved.commit(digest);
                gone = true;
                deleteState(id);
                return info;
            }
            byte[] blob = bytes.length == size ? bytes : Arrays.copyOf(bytes, size);
            write(batch -> {
                batch.put(INLINE_BLOBS, ROOT, digest, blob);
                if (stored) {
                    batch.delete(STAGED, ROOT, id);
                }
            });
            gone = true;
            bytes = null;
            return new BlobInfo(digest, blob.length);
        }

        @Override
        public void discard() {
            if (gone && moved == null) {
                return;
            }
            gone = true;
            bytes = null;
            Optional<StagedState> state = stored ? database.guarded(() -> database.get(STAGED, ROOT, id))
                    : Optional.empty();
            if (moved == null && state.isPresent() && state.get().movedTo() != null) {
                larger.resume(state.get().movedTo()).ifPresent(StagedBlob::discard); // moved by another instance
            }
            if (moved != null) {
                moved.discard();
            }
            if (state.isPresent()) {
                deleteState(id);
            }
        }
    }

    /** Deletion across both places: inline blobs by their key, the rest by the larger store's own role. */
    private final class Deletion implements BlobDeletion {
        private final BlobDeletion largerDeletion;

        Deletion(BlobDeletion largerDeletion) {
            this.largerDeletion = largerDeletion;
        }

        @Override
        public boolean delete(Digest digest) {
            if (!isInline(digest)) {
                return largerDeletion.delete(digest);
            }
            write(batch -> batch.delete(INLINE_BLOBS, ROOT, digest));
            return true;
        }

        /** Inline blobs a page at a time (no database call spans a visit), then the larger store's. */
        @Override
        public void forEach(Consumer<BlobInfo> visitor) {
            Optional<String> after = Optional.empty();
            while (true) {
                Optional<String> from = after;
                Page<Digest> page = database.guarded(() -> Scans.children(database, INLINE_BLOBS, ROOT, from, SCAN_PAGE));
                List<Digest> digests = page.items();
                for (Digest digest : digests) {
                    int length = database.guarded(() -> database.valueLength(INLINE_BLOBS, ROOT, digest));
                    if (length >= 0) {
                        visitor.accept(new BlobInfo(digest, length));
                    }
                }
                if (!page.hasMore()) {
                    break;
                }
                after = Optional.of(page.last().toString());
            }
            largerDeletion.forEach(visitor);
        }
    }
}
