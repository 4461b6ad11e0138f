package dev.wharf.rocksdb;

import dev.wharf.spi.PendingEvents;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.rocksdb.KeySchema.RepoDigest;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.TagStore;
import org.rocksdb.RocksDBException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.wharf.rocksdb.KeySchema.TAGS;
import static dev.wharf.rocksdb.KeySchema.TAG_INDEX;

/**
 * The {@link TagStore} role on RocksDB: {@code tags} and their reverse {@code tag_index}, kept in step, each
 * tag's bounded {@link TagHistory} and its search entry ({@link RocksDbSearchIndex}) (see {@link KeySchema}). Tags
 * resolve through the {@link ReadCache}. The manifests role moves and removes tags through {@link #pushed},
 * {@link #move} and {@link #removeAll}, inside its own batch, so a push or a delete stays one write.
 */
final class RocksDbTags implements TagStore {
    private final Database database;
    private final RepositoryLocks locks;
    private final ReadCache cache;
    private final TagHistory history;
    private final RocksDbSearchIndex search;

    RocksDbTags(Database database, RepositoryLocks locks, ReadCache cache, RocksDbSearchIndex search) {
        this.database = database;
        this.locks = locks;
        this.cache = cache;
        this.history = new TagHistory(database);
        this.search = search;
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        database.checkOpen();
        return cache.tag(repository, tag, () -> database.guarded(() -> database.get(TAGS, repository, tag)));
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return database.guarded(() -> Scans.children(database, TAGS, repository, after, limit));
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents events) {
        return locks.locked(repository, () -> {
            Optional<Digest> from = database.get(TAGS, repository, tag);
            if (from.isEmpty()) {
                return false;
            }
            try (Batch batch = database.batch()) {
                batch.record(events);
                batch.delete(TAGS, repository, tag);
                batch.delete(TAG_INDEX, new RepoDigest(repository, from.get()), tag);
                dev.wharf.spi.UsageTally tally = batch.usage(repository);
                if (tally != null) {
                    tally.tagsRemoved(1);
                }
                history.append(batch, repository, new TagMove(tag, from, Optional.empty(), at));
                search.removed(batch, repository, tag);
                batch.commit();
                cache.invalidate(repository.value(), null, List.of(tag));
            }
            return true;
        });
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return database.guarded(() -> Scans.children(database, TAG_INDEX, new RepoDigest(repository, digest),
                Optional.empty(), limit).items());
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return database.guarded(() -> history.read(repository, tag));
    }

    /**
     * True if {@code tag} points at {@code expected} (or, for an empty one, does not exist), read from the
     * database, not the cache. Call under the repository's lock, before {@link #move}.
     */
    boolean pointsAt(RepositoryName repository, Tag tag, Optional<Digest> expected) throws RocksDBException {
        return database.get(TAGS, repository, tag).equals(expected);
    }

    /**
     * Adds to {@code batch} the move of {@code move}'s tag to {@code manifest}: the tag, its index entry (the
     * old one, at {@code move.from()}, removed), its history and its search entry (moved if the move changes the
     * tag, else given the push's time). Call under the repository's lock, once {@link #pointsAt} has confirmed
     * {@code move.from()}; the caller invalidates the cache.
     */
    void move(Batch batch, RepositoryName repository, ManifestRecord manifest, TagMove move)
            throws RocksDBException {
        Digest digest = manifest.digest();
        Tag tag = move.tag();
        Optional<Digest> old = move.from();
        if (old.isPresent()) {
            batch.delete(TAG_INDEX, new RepoDigest(repository, old.get()), tag);
        }
        batch.put(TAGS, repository, tag, digest);
        batch.put(TAG_INDEX, new RepoDigest(repository, digest), tag);
        history.append(batch, repository, move);
        if (move.isChange()) {
            search.moved(batch, repository, tag, manifest, move.at(), old.isPresent());
        } else {
            search.pushedAgain(batch, repository, tag, manifest);
        }
    }

    /**
     * Adds to {@code batch} the removal of every tag pointing at {@code digest}, each recorded in its history
     * at {@code at}; returns the tags. Call under the repository's lock; the caller invalidates the cache.
     */
    List<Tag> removeAll(Batch batch, RepositoryName repository, Digest digest, Instant at) throws RocksDBException {
        RepoDigest manifest = new RepoDigest(repository, digest);
        List<Tag> removed = Scans.allChildren(database, TAG_INDEX, manifest);
        for (Tag tag : removed) {
            batch.delete(TAGS, repository, tag);
            batch.delete(TAG_INDEX, manifest, tag);
            history.append(batch, repository, new TagMove(tag, Optional.of(digest), Optional.empty(), at));
            search.removed(batch, repository, tag);
        }
        return removed;
    }
}
