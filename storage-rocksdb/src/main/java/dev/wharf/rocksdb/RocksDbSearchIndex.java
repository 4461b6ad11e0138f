package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.rocksdb.KeySchema.RepoTag;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.SearchIndex;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static dev.wharf.rocksdb.KeySchema.MANIFESTS;
import static dev.wharf.rocksdb.KeySchema.Root.ROOT;
import static dev.wharf.rocksdb.KeySchema.SEARCH;
import static dev.wharf.rocksdb.KeySchema.TAGS;
import static dev.wharf.rocksdb.KeySchema.TAG_HISTORY;

/**
 * The {@link SearchIndex} role on RocksDB: the {@code search} family, each tag's entry under one key per order
 * ({@link SearchKeys}). The tags role changes it in the batch of every change to a tag ({@link RocksDbTags}), under
 * the repository's lock, so an entry is written, moved and removed atomically with its tag. A listing is one
 * iterator, which reads a consistent snapshot, and touches only the entries it returns: O(limit).
 *
 * <p>A directory from before format version 5 has no entries; opening it fills them from the tags
 * ({@link #rebuild()}).
 */
final class RocksDbSearchIndex implements SearchIndex {
    /** Keys per batch while rebuilding: each write stays small however many tags the registry holds. */
    private static final int REBUILD_BATCH = 1_000;

    private final Database database;

    RocksDbSearchIndex(Database database) {
        this.database = database;
    }

    /**
     * Seeks to the position's key (or the scope's first or last key) and steps away from it, skipping the key
     * itself when an entry sits exactly there, since a listing continues strictly after its position.
     */
    @Override
    public List<Entry> entries(SearchQuery.Sort order, Optional<RepositoryName> repository, Optional<Position> after,
                               boolean descending, int limit) {
        String scopeText = SearchKeys.scope(order, repository);
        byte[] scope = SEARCH.key(ROOT, scopeText);
        byte[] position = after.map(p -> SEARCH.key(ROOT, SearchKeys.at(order, repository, p))).orElse(null);
        return database.guarded(() -> {
            List<Entry> page = new ArrayList<>(Math.min(limit, 1024));
            try (RocksIterator it = database.iterator(SEARCH)) {
                if (descending) {
                    it.seekForPrev(position != null ? position : SEARCH.key(ROOT, SearchKeys.end(scopeText)));
                } else {
                    it.seek(position != null ? position : scope);
                }
                if (position != null && it.isValid() && Arrays.equals(it.key(), position)) {
                    step(it, descending);
                }
                for (; page.size() < limit && it.isValid() && KeySchema.startsWith(it.key(), scope);
                     step(it, descending)) {
                    page.add(SearchKeys.entry(it.key(), it.value()));
                }
                it.status(); // an iterator that stopped on a read error is invalid too: fail, not a short page
            }
            return page;
        });
    }

    private static void step(RocksIterator it, boolean descending) {
        if (descending) {
            it.prev();
        } else {
            it.next();
        }
    }

    /**
     * Adds to {@code batch} that {@code tag} now points at {@code manifest}, moved at {@code at}, replacing the
     * entry it had if it {@code existed}. A tag that did not exist has no entry (entries change in the same batches
     * as tags), so its creation reads none. Call under the repository's lock.
     */
    void moved(Batch batch, RepositoryName repository, Tag tag, ManifestRecord manifest, Instant at, boolean existed)
            throws RocksDBException {
        replace(batch, existed ? current(repository, tag) : Optional.empty(), Entry.of(repository, tag, manifest, at));
    }

    /**
     * Adds to {@code batch} that {@code tag} was pushed again as {@code manifest}, which it already pointed at: its
     * entry takes the push time. Call under the repository's lock.
     */
    void pushedAgain(Batch batch, RepositoryName repository, Tag tag, ManifestRecord manifest)
            throws RocksDBException {
        Optional<Entry> old = current(repository, tag);
        if (old.isPresent() && old.get().pushedAt().toEpochMilli() != manifest.pushedAt().toEpochMilli()) {
            replace(batch, old, old.get().withPushedAt(manifest.pushedAt()));
        }
    }

    /** Adds to {@code batch} the removal of {@code tag}'s entry, if it has one. Call under the repository's lock. */
    void removed(Batch batch, RepositoryName repository, Tag tag) throws RocksDBException {
        Optional<Entry> old = current(repository, tag);
        if (old.isPresent()) {
            delete(batch, old.get());
        }
    }

    private Optional<Entry> current(RepositoryName repository, Tag tag) throws RocksDBException {
        return database.get(SEARCH, ROOT, SearchKeys.name(repository, tag),
                value -> RecordCodec.searchEntry(value, repository, tag));
    }

    private void replace(Batch batch, Optional<Entry> old, Entry entry) throws RocksDBException {
        if (old.isPresent()) {
            // Deleted first: a key the new entry shares is put again after its delete, and a batch applies in order.
            delete(batch, old.get());
        }
        byte[] value = RecordCodec.searchEntry(entry);
        for (String key : SearchKeys.keys(entry)) {
            batch.put(SEARCH, ROOT, key, value);
        }
    }

    private static void delete(Batch batch, Entry entry) throws RocksDBException {
        for (String key : SearchKeys.keys(entry)) {
            batch.delete(SEARCH, ROOT, key);
        }
    }

    /**
     * Fills the family from the tags, as format version 5 expects: each tag's digest from {@code tags}, its push
     * time and what it is from the manifest it points at, its update time from its newest history entry (history keeps only the
     * moves that changed it), or the push time if it has none. A tag whose manifest is missing has no entry, as
     * it could not be pulled either. Clears the family first, so an open interrupted half way simply does it all
     * again; writes in bounded batches. Call inside a guarded call, before the version is written, and sync the
     * WAL in between.
     */
    void rebuild() throws RocksDBException {
        inBatches(SEARCH, (batch, it) -> batch.delete(SEARCH, ROOT, new String(it.key(), StandardCharsets.UTF_8)));
        inBatches(TAGS, (batch, it) -> {
            RepositoryName repository = TAGS.parent(it.key());
            Tag tag = TAGS.child(it.key());
            Digest digest = TAGS.decode(it.value());
            Optional<ManifestRecord> manifest = database.get(MANIFESTS, repository, digest);
            if (manifest.isPresent()) {
                Instant updatedAt = Scans.values(database, TAG_HISTORY, new RepoTag(repository, tag), Optional.empty(),
                        1).items().stream().findFirst().map(TagMove::at).orElse(manifest.get().pushedAt());
                replace(batch, Optional.empty(), Entry.of(repository, tag, manifest.get(), updatedAt));
            }
        });
    }

    /** What {@link #rebuild} adds to a batch for the key an iterator is at. */
    private interface Step {
        void add(Batch batch, RocksIterator it) throws RocksDBException;
    }

    /** Runs {@code step} at every key of {@code column}, a snapshot, writing a batch every {@link #REBUILD_BATCH}. */
    private void inBatches(Column<?, ?, ?> column, Step step) throws RocksDBException {
        try (RocksIterator it = database.iterator(column)) {
            it.seekToFirst();
            while (it.isValid()) {
                try (Batch batch = database.batch()) {
                    for (int n = 0; n < REBUILD_BATCH && it.isValid(); n++, it.next()) {
                        step.add(batch, it);
                    }
                    batch.commit();
                }
            }
            it.status();
        }
    }
}
