package dev.wharf.rocksdb;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.UploadRecord;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import dev.wharf.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * Durable metadata on one RocksDB instance (key schema: {@link KeySchema}).
 *
 * <p>Every logical change is one {@link WriteBatch} written with the WAL on: when a method returns the change
 * is visible and atomic; when {@link #sync()} returns on the same thread it survives a crash or power loss
 * (group commit: concurrent writers share one WAL fsync). If a method throws, none of its change happened. Listings are
 * iterator range scans that cost O(page). Read-modify-write steps inside this class (moving a tag, dropping
 * an emptied repository) are serialised per repository by striped locks.
 *
 * <p>{@link #close()} is idempotent and waits for in-flight calls, then releases native handles in reverse
 * order of creation; a failed {@link #open} releases whatever it had created.
 */
public final class RocksDbMetadataStore extends RocksDbAccess implements MetadataStore {
    private final TagHistory history;
    /** Hot tags and manifests: the pull path without JNI. */
    private final ReadCache cache;

    private RocksDbMetadataStore(RocksDbHandles handles, long readCacheBytes) {
        super(handles);
        this.history = new TagHistory(db, cf(KeySchema.TAG_HISTORY));
        this.cache = new ReadCache(readCacheBytes);
    }

    /**
     * The default heap budget of the read cache: an eighth of the maximum heap, at least 8 MiB. With
     * {@code -Xmx128m} that is 16 MiB; with a 2 GiB heap 256 MiB: three quarters for manifests (about 130,000
     * of 1 KiB, each weighed with its key and about 320 bytes of overhead), a quarter for tags (about 250,000).
     * A GET whose tag or manifest is not cached reads RocksDB (several microseconds).
     */
    public static long defaultReadCacheBytes() {
        return Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /** Opens (creating if needed) a store in {@code directory} with synced writes. */
    public static RocksDbMetadataStore open(Path directory) {
        return open(directory, true);
    }

    /**
     * Opens (creating if needed) a store in {@code directory}.
     *
     * @param syncWrites fsync the WAL on every change (survives power loss); false survives only process
     *                   crashes, for tests and benchmarks that say so
     * @throws StorageException if the directory cannot be opened (in use by another process, corrupt,
     *                              or of another format version)
     */
    public static RocksDbMetadataStore open(Path directory, boolean syncWrites) {
        return open(directory, syncWrites, defaultReadCacheBytes());
    }

    /**
     * As {@link #open(Path, boolean)}, with the heap budget of the cache of hot tags and manifests that
     * serves pulls without reading RocksDB.
     *
     * @param readCacheBytes heap the cache may hold ({@link #defaultReadCacheBytes()} by default); 0 turns
     *                       it off
     * @throws IllegalArgumentException if {@code readCacheBytes} is negative
     */
    public static RocksDbMetadataStore open(Path directory, boolean syncWrites, long readCacheBytes) {
        if (readCacheBytes < 0) {
            throw new IllegalArgumentException("readCacheBytes must not be negative: " + readCacheBytes);
        }
        return new RocksDbMetadataStore(RocksDbHandles.open(directory, syncWrites), readCacheBytes);
    }

    /** A store that counts RocksDB tickers, for tests. */
    static RocksDbMetadataStore openWithStatistics(Path directory) {
        return new RocksDbMetadataStore(RocksDbHandles.open(directory, true, true), defaultReadCacheBytes());
    }

    /** How many times the WAL was synced (needs {@link #openWithStatistics}). */
    long walSyncs() {
        return handles.statistics.getTickerCount(org.rocksdb.TickerType.WAL_FILE_SYNCED);
    }

    // ---- plumbing ----

    /** Waits until this thread's changes are in the synced WAL (group commit); see {@link GroupCommit}. */
    @Override
    public void sync() {
        if (handles.syncWrites) {
            guarded(() -> {
                groupCommit.awaitDurable();
                return null;
            });
        }
    }

    /** Deletes the repository marker in {@code batch} if, after it, no link or manifest would remain. */
    private void dropRepositoryIfEmpty(WriteBatch batch, RepositoryName repo, String removedFamily, byte[] removedKey)
            throws RocksDBException {
        byte[] prefix = KeySchema.prefix(repo.value());
        boolean links = Scans.anyWithPrefix(db, cf(KeySchema.LINKS), prefix,
                KeySchema.LINKS.equals(removedFamily) ? removedKey : null);
        boolean manifests = Scans.anyWithPrefix(db, cf(KeySchema.MANIFESTS), prefix,
                KeySchema.MANIFESTS.equals(removedFamily) ? removedKey : null);
        if (!links && !manifests) {
            batch.delete(cf(KeySchema.REPOSITORIES), KeySchema.bytes(repo.value()));
        }
    }


    // ---- repositories ----

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return guarded(() -> has(KeySchema.REPOSITORIES, KeySchema.bytes(repository.value())));
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return scan(KeySchema.REPOSITORIES, new byte[0], after, limit, RepositoryName::of);
    }

    // ---- links ----

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        return guarded(() -> has(KeySchema.LINKS, KeySchema.key(repository.value(), digest.toString())));
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest) {
        locked(repository, () -> {
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(cf(KeySchema.REPOSITORIES), KeySchema.bytes(repository.value()), new byte[0]);
                batch.put(cf(KeySchema.LINKS), KeySchema.key(repository.value(), digest.toString()), new byte[0]);
                batch.put(cf(KeySchema.LINKERS), KeySchema.key(digest.toString(), repository.value()), new byte[0]);
                write(batch);
            }
            return null;
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return locked(repository, () -> {
            byte[] link = KeySchema.key(repository.value(), digest.toString());
            if (!has(KeySchema.LINKS, link)) {
                return false;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(cf(KeySchema.LINKS), link);
                batch.delete(cf(KeySchema.LINKERS), KeySchema.key(digest.toString(), repository.value()));
                dropRepositoryIfEmpty(batch, repository, KeySchema.LINKS, link);
                write(batch);
            }
            return true;
        });
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return scan(KeySchema.LINKERS, KeySchema.prefix(digest.toString()), after.map(RepositoryName::value), limit,
                RepositoryName::of);
    }

    // ---- manifests, tags, referrers ----

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return guarded(() -> Optional.ofNullable(db.get(cf(KeySchema.MANIFESTS),
                KeySchema.key(repository.value(), digest.toString()))).map(RecordCodec::manifest));
    }

    @Override
    public Optional<Manifest> manifestContent(RepositoryName repository, Digest digest) {
        return cache.manifest(repository, digest, () -> guarded(() -> Optional.ofNullable(db.get(cf(KeySchema.MANIFESTS),
                KeySchema.key(repository.value(), digest.toString()))).map(RecordCodec::manifestContent)));
    }

    @Override
    public void putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves) {
        String repo = repository.value();
        String digest = manifest.digest().toString();
        locked(repository, () -> {
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(cf(KeySchema.REPOSITORIES), KeySchema.bytes(repo), new byte[0]);
                batch.put(cf(KeySchema.MANIFESTS), KeySchema.key(repo, digest), RecordCodec.manifest(manifest));
                for (TagMove move : moves) {
                    Tag tag = move.tag();
                    byte[] tagKey = KeySchema.key(repo, tag.value());
                    byte[] old = db.get(cf(KeySchema.TAGS), tagKey);
                    if (old != null) {
                        batch.delete(cf(KeySchema.TAG_INDEX),
                                KeySchema.key(repo, new String(old, StandardCharsets.UTF_8), tag.value()));
                    }
                    batch.put(cf(KeySchema.TAGS), tagKey, KeySchema.bytes(digest));
                    batch.put(cf(KeySchema.TAG_INDEX), KeySchema.key(repo, digest, tag.value()), new byte[0]);
                    history.append(batch, repository, move);
                }
                if (manifest.subject().isPresent()) {
                    batch.put(cf(KeySchema.REFERRERS), KeySchema.key(repo, manifest.subject().get().toString(), digest),
                            RecordCodec.descriptor(manifest.referrerDescriptor()));
                }
                write(batch);
                cache.invalidate(repo, manifest.digest(), moves.stream().map(TagMove::tag).toList());
            }
            return null;
        });
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return cache.tag(repository, tag, () -> guarded(() -> Optional.ofNullable(db.get(cf(KeySchema.TAGS),
                KeySchema.key(repository.value(), tag.value()))).map(b -> Digest.parse(new String(b, StandardCharsets.UTF_8)))));
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return scan(KeySchema.TAGS, KeySchema.prefix(repository.value()), after, limit, Tag::of);
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at) {
        return locked(repository, () -> {
            byte[] tagKey = KeySchema.key(repository.value(), tag.value());
            byte[] digest = db.get(cf(KeySchema.TAGS), tagKey);
            if (digest == null) {
                return false;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(cf(KeySchema.TAGS), tagKey);
                String from = new String(digest, StandardCharsets.UTF_8);
                batch.delete(cf(KeySchema.TAG_INDEX), KeySchema.key(repository.value(), from, tag.value()));
                history.append(batch, repository, new TagMove(tag, Optional.of(Digest.parse(from)), Optional.empty(), at));
                write(batch);
                cache.invalidate(repository.value(), null, List.of(tag));
            }
            return true;
        });
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at) {
        String repo = repository.value();
        return locked(repository, () -> {
            byte[] key = KeySchema.key(repo, digest.toString());
            byte[] value = db.get(cf(KeySchema.MANIFESTS), key);
            if (value == null) {
                return false;
            }
            ManifestRecord record = RecordCodec.manifest(value);
            List<Tag> removedTags = new ArrayList<>();
            try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(cf(KeySchema.TAG_INDEX))) {
                batch.delete(cf(KeySchema.MANIFESTS), key);
                byte[] prefix = KeySchema.prefix(repo, digest.toString());
                for (it.seek(prefix); it.isValid() && KeySchema.startsWith(it.key(), prefix); it.next()) {
                    String tag = KeySchema.partAfter(it.key(), prefix.length);
                    removedTags.add(Tag.of(tag));
                    batch.delete(cf(KeySchema.TAGS), KeySchema.key(repo, tag));
                    batch.delete(cf(KeySchema.TAG_INDEX), it.key());
                    history.append(batch, repository, new TagMove(Tag.of(tag), Optional.of(digest), Optional.empty(), at));
                }
                if (record.subject().isPresent()) {
                    batch.delete(cf(KeySchema.REFERRERS), KeySchema.key(repo, record.subject().get().toString(),
                            digest.toString()));
                }
                dropRepositoryIfEmpty(batch, repository, KeySchema.MANIFESTS, key);
                write(batch);
                cache.invalidate(repo, digest, removedTags);
            }
            return true;
        });
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return scanValues(KeySchema.REFERRERS, KeySchema.prefix(repository.value(), subject.toString()),
                after.map(Digest::toString), limit, RecordCodec::descriptor);
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return scan(KeySchema.TAG_INDEX, KeySchema.prefix(repository.value(), digest.toString()), Optional.empty(),
                limit, Tag::of).items();
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return guarded(() -> history.read(repository, tag));
    }

    // ---- enumeration ----

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        forEach(KeySchema.LINKS, (repo, digest, value) -> visitor.accept(repo, Digest.parse(digest)));
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        forEach(KeySchema.MANIFESTS, (repo, digest, value) -> visitor.accept(repo, RecordCodec.manifest(value)));
    }

    // ---- uploads ----

    @Override
    public void putUpload(UploadRecord upload) {
        guarded(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(cf(KeySchema.UPLOADS), KeySchema.bytes(upload.id()), RecordCodec.upload(upload));
                write(batch);
            }
            return null;
        });
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return guarded(() -> Optional.ofNullable(db.get(cf(KeySchema.UPLOADS), KeySchema.bytes(id)))
                .map(RecordCodec::upload));
    }

    @Override
    public boolean deleteUpload(String id) {
        return guarded(() -> {
            byte[] key = KeySchema.bytes(id);
            if (db.get(cf(KeySchema.UPLOADS), key) == null) {
                return false;
            }
            try (WriteBatch batch = new WriteBatch()) {
                batch.delete(cf(KeySchema.UPLOADS), key);
                write(batch);
            }
            return true;
        });
    }

    @Override
    public List<UploadRecord> uploads() {
        return guarded(() -> {
            List<UploadRecord> out = new ArrayList<>();
            try (RocksIterator it = db.newIterator(cf(KeySchema.UPLOADS))) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    out.add(RecordCodec.upload(it.value()));
                }
            }
            return out;
        });
    }

    /**
     * Writes a consistent, openable copy of the metadata to {@code target} (which must not exist) using a
     * RocksDB checkpoint: hard links to immutable table files plus a copy of the live WAL, so it is fast and
     * needs little space on the same filesystem. Safe while the registry serves requests. Back up the blob
     * directory after the checkpoint: every blob the checkpoint references is then in the copy.
     */
    public void checkpoint(Path target) {
        guarded(() -> {
            try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toString());
            }
            return null;
        });
    }
}
