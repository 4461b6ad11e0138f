package dev.wharf.rocksdb;

import dev.wharf.spi.EventLog;
import dev.wharf.spi.PendingEvents;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.SearchIndex;
import dev.wharf.spi.StorageException;
import dev.wharf.spi.UploadRecord;
import org.rocksdb.TickerType;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Durable metadata on one RocksDB instance: Wharf's default {@link MetadataStore} for a registry that must
 * survive restarts. Open it with {@link #open(Path)} or {@link #open(Path, RocksDbOptions)}; the registry it
 * is given to closes it.
 *
 * <p>Every logical change is one RocksDB write batch written with the WAL on: when a method returns the
 * change is visible and atomic; when {@link #sync()} returns on the same thread it survives a crash or power
 * loss (group commit: concurrent writers share one WAL fsync). If a method throws, none of its change
 * happened. Listings are iterator range scans that cost O(page). Read-modify-write steps (moving a tag,
 * dropping an emptied repository) are serialised per repository by striped locks.
 *
 * <p>This class is a facade: each SPI role has its own class over the one {@link Database} that owns the
 * RocksDB instance ({@link RocksDbRepositoryLinks}, {@link RocksDbManifests}, {@link RocksDbTags},
 * {@link RocksDbUploadSessions}, {@link RocksDbSearchIndex}); the key schema is in {@link KeySchema}.
 * {@link #close()} is idempotent and waits for in-flight calls, then releases native handles in reverse order of
 * creation; every call after it fails with an {@link IllegalStateException}. A failed {@code open} releases
 * whatever it had created.
 */
public final class RocksDbMetadataStore implements MetadataStore {
    private final Database database;
    private final RocksDbRepositoryLinks links;
    private final RocksDbManifests manifests;
    private final RocksDbTags tags;
    private final RocksDbUploadSessions uploads;
    private final RocksDbEventLog events;
    private final RocksDbSearchIndex search;

    private RocksDbMetadataStore(Database database, long readCacheBytes) {
        RepositoryLocks locks = new RepositoryLocks(database);
        ReadCache cache = new ReadCache(readCacheBytes);
        this.database = database;
        this.search = new RocksDbSearchIndex(database);
        this.links = new RocksDbRepositoryLinks(database, locks, cache);
        this.tags = new RocksDbTags(database, locks, cache, search);
        this.manifests = new RocksDbManifests(database, locks, cache, links, tags);
        this.uploads = new RocksDbUploadSessions(database);
        this.events = new RocksDbEventLog(database);
    }

    /**
     * The default heap budget of the read cache: an eighth of the maximum heap, at least 8 MiB. With
     * {@code -Xmx128m} that is 16 MiB; with a 2 GiB heap 256 MiB: five eighths for manifests (about 110,000
     * of 1 KiB, each weighed with its key and about 320 bytes of overhead), a quarter for tags (about 250,000), an
     * eighth for blob links (about 150,000). A GET whose tag or manifest is not cached reads RocksDB (several
     * microseconds).
     */
    public static long defaultReadCacheBytes() {
        return Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /** Opens (creating if needed) a store in {@code directory} with {@link RocksDbOptions#defaults()}. */
    public static RocksDbMetadataStore open(Path directory) {
        return open(directory, RocksDbOptions.defaults());
    }

    /**
     * Opens (creating if needed) a store in {@code directory}.
     *
     * @throws StorageException if the directory cannot be opened (in use by another process or store, corrupt,
     *                          or of another format version)
     */
    public static RocksDbMetadataStore open(Path directory, RocksDbOptions options) {
        return open(directory, options, new NativeHandles());
    }

    /** As {@link #open(Path, RocksDbOptions)}, recording the native handles in {@code handles} (for tests). */
    static RocksDbMetadataStore open(Path directory, RocksDbOptions options, NativeHandles handles) {
        return new RocksDbMetadataStore(Database.open(directory, options, handles), options.readCacheBytes());
    }

    /**
     * A blob store that keeps blobs of up to {@code maxInlineBytes} in this store's database and the rest in
     * {@code larger} ({@link InlineBlobStore}): a small blob's push then costs a share of one WAL sync instead of
     * a file and its fsyncs. Give the registry this store and the returned one together; closing the returned
     * store closes {@code larger}, and this store stays the owner of the database.
     *
     * @param maxInlineBytes 0 to {@link InlineBlobStore#MAX_INLINE_BYTES_LIMIT}; 0 stores every new blob in
     *                       {@code larger} (inline blobs already stored stay readable)
     */
    public InlineBlobStore inlineBlobs(BlobStore larger, int maxInlineBytes) {
        return new InlineBlobStore(database, Objects.requireNonNull(larger, "larger"), maxInlineBytes);
    }

    /** Waits as an event sink does before it delivers, with {@code patienceNanos} of patience (for tests). */
    void awaitEventsDurable(long patienceNanos) {
        database.syncEverythingPatiently(patienceNanos);
    }

    /** The events numbered above {@code after} and up to {@code last}, read from RocksDB only (for tests). */
    List<dev.wharf.api.RegistryEvent> eventsFromLog(long after, long last) {
        return database.guarded(() -> events.readLog(after, last));
    }

    /** Whether the events numbered {@code from} to {@code to} are read from memory rather than the log (for tests). */
    boolean eventsInMemory(long from, long to) {
        return database.recentEvents(from, to).isPresent();
    }

    /** The key numbers of {@code tag}'s stored history entries, newest first, however many there are (for tests). */
    List<Long> tagHistoryNumbers(RepositoryName repository, Tag tag) {
        return database.guarded(() -> Scans.allChildren(database, KeySchema.TAG_HISTORY,
                new KeySchema.RepoTag(repository, tag)));
    }

    /** Writes one history entry of {@code move}'s tag under the key number {@code number} (for tests). */
    void putTagHistoryEntry(RepositoryName repository, TagMove move, long number) {
        database.guarded(() -> {
            try (Batch batch = database.batch()) {
                batch.put(KeySchema.TAG_HISTORY, new KeySchema.RepoTag(repository, move.tag()), number, move);
                batch.commit();
            }
            return null;
        });
    }

    /** How many times the WAL was synced (needs {@link RocksDbOptions#withStatistics}). */
    long walSyncs() {
        return database.ticker(TickerType.WAL_FILE_SYNCED);
    }

    /**
     * Writes a consistent, openable copy of the metadata to {@code target} (which must not exist) using a
     * RocksDB checkpoint: hard links to immutable table files plus a copy of the live WAL, so it is fast and
     * needs little space on the same filesystem. Safe while the registry serves requests. Back up the blob
     * directory after the checkpoint: every blob the checkpoint references is then in the copy.
     */
    public void checkpoint(Path target) {
        database.checkpoint(target);
    }

    /**
     * Compacts every column family now and returns when it is done: after a bulk load or an upgrade, so that reads
     * do not share the disk with background compaction and scans merge fewer files. Safe while the registry
     * serves requests; RocksDB compacts in the background anyway, so it is never needed for correctness.
     */
    public void compact() {
        database.compact();
    }

    /** The outbox, in the same database as everything else: events are written in their changes' batches. */
    @Override
    public Optional<EventLog> eventLog() {
        return Optional.of(events);
    }

    /** Usage counts for quotas, in the same database: counted in the batches of the changes they count. */
    @Override
    public Optional<dev.wharf.spi.UsageLedger> usageLedger() {
        return Optional.of(database.usageLedger());
    }

    /** The search entries, in the same database: written in the batches of the tag changes they reflect. */
    @Override
    public Optional<SearchIndex> searchIndex() {
        return Optional.of(search);
    }

    /** Waits until this thread's changes are in the synced WAL (group commit); see {@link GroupCommit}. */
    @Override
    public void sync() {
        database.sync();
    }

    /** Waits for in-flight calls, then releases native handles in reverse creation order. Idempotent. */
    @Override
    public void close() {
        database.close();
    }

    // ---- RepositoryLinks ----

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return links.repositoryExists(repository);
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return links.repositories(after, limit);
    }

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        return links.isBlobLinked(repository, digest);
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents events) {
        links.linkBlob(repository, digest, size, events);
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents events) {
        return links.unlinkBlob(repository, digest, events);
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return links.repositoriesLinking(digest, after, limit);
    }

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        links.forEachLink(visitor);
    }

    // ---- ManifestStore ----

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return manifests.manifest(repository, digest);
    }

    @Override
    public Optional<Manifest> manifestContent(RepositoryName repository, Digest digest) {
        return manifests.manifestContent(repository, digest);
    }

    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                               PendingEvents events) {
        return manifests.putManifest(repository, manifest, moves, events);
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents events) {
        return manifests.deleteManifest(repository, digest, at, events);
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return manifests.referrers(repository, subject, after, limit);
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        manifests.forEachManifest(visitor);
    }

    // ---- TagStore ----

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return tags.resolveTag(repository, tag);
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return tags.tags(repository, after, limit);
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents events) {
        return tags.deleteTag(repository, tag, at, events);
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return tags.tagsOf(repository, digest, limit);
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return tags.tagHistory(repository, tag);
    }

    // ---- UploadSessionStore ----

    @Override
    public void putUpload(UploadRecord upload) {
        uploads.putUpload(upload);
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return uploads.upload(id);
    }

    @Override
    public boolean deleteUpload(String id) {
        return uploads.deleteUpload(id);
    }

    @Override
    public List<UploadRecord> uploads() {
        return uploads.uploads();
    }
}
