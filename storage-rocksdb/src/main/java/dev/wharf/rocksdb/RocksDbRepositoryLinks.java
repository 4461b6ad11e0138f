package dev.wharf.rocksdb;

import dev.wharf.spi.PendingEvents;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.RepositoryLinks;
import org.rocksdb.RocksDBException;

import java.util.Optional;
import java.util.function.BiConsumer;

import static dev.wharf.rocksdb.KeySchema.LINKERS;
import static dev.wharf.rocksdb.KeySchema.LINKS;
import static dev.wharf.rocksdb.KeySchema.MANIFESTS;
import static dev.wharf.rocksdb.KeySchema.REPOSITORIES;
import static dev.wharf.rocksdb.KeySchema.Root.ROOT;

/**
 * The {@link RepositoryLinks} role on RocksDB: the {@code repositories} markers and the {@code links} /
 * {@code linkers} pair (see {@link KeySchema}). It also keeps the marker for the manifests role: a manifest
 * push marks the repository, and removing the last link or manifest drops it, in the caller's batch. Link checks
 * are answered from the {@link ReadCache} once a link has been seen; an unlink invalidates it before it returns.
 */
final class RocksDbRepositoryLinks implements RepositoryLinks {
    private final Database database;
    private final RepositoryLocks locks;
    private final ReadCache cache;

    RocksDbRepositoryLinks(Database database, RepositoryLocks locks, ReadCache cache) {
        this.database = database;
        this.locks = locks;
        this.cache = cache;
    }

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return database.guarded(() -> database.has(REPOSITORIES, ROOT, repository));
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return database.guarded(() -> Scans.children(database, REPOSITORIES, ROOT, after, limit));
    }

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        database.checkOpen();
        return cache.linked(repository, digest, () -> database.guarded(() -> database.has(LINKS, repository, digest)));
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents events) {
        locks.locked(repository, () -> {
            try (Batch batch = database.batch()) {
                batch.record(events);
                dev.wharf.spi.UsageTally tally = batch.usage(repository);
                if (tally != null && !database.has(LINKS, repository, digest)) {
                    tally.linked(digest, size);
                }
                markRepository(batch, repository);
                batch.put(LINKS, repository, digest);
                batch.put(LINKERS, digest, repository);
                batch.commit();
            }
            return null;
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents events) {
        return locks.locked(repository, () -> {
            if (!database.has(LINKS, repository, digest)) {
                return false;
            }
            try (Batch batch = database.batch()) {
                batch.record(events);
                dev.wharf.spi.UsageTally tally = batch.usage(repository);
                if (tally != null) {
                    tally.unlinked(digest);
                }
                batch.delete(LINKS, repository, digest);
                batch.delete(LINKERS, digest, repository);
                dropRepositoryIfEmpty(batch, repository, LINKS, digest);
                batch.commit();
                cache.unlinked(repository.value(), digest);
            }
            return true;
        });
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return database.guarded(() -> Scans.children(database, LINKERS, digest, after.map(RepositoryName::value),
                limit));
    }

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        database.guarded(() -> {
            Scans.forEach(database, LINKS, (repository, digest, present) -> visitor.accept(repository, digest));
            return null;
        });
    }

    /** Adds the repository's marker to {@code batch}: it holds something now. */
    void markRepository(Batch batch, RepositoryName repository) throws RocksDBException {
        // A read on every push, so only when the change's events or usage counts want to know.
        if (batch.reportsRepositoryChanges() && !database.has(REPOSITORIES, ROOT, repository)) {
            batch.repositoryCreated(repository);
        }
        batch.put(REPOSITORIES, ROOT, repository);
    }

    /**
     * Deletes the repository's marker in {@code batch} if, after it, no link or manifest would remain;
     * {@code removed} is what the batch takes out of {@code removedFrom} ({@code links} or {@code manifests}).
     * Call under the repository's lock.
     */
    void dropRepositoryIfEmpty(Batch batch, RepositoryName repository, Column<RepositoryName, Digest, ?> removedFrom,
                               Digest removed) throws RocksDBException {
        boolean links = Scans.anyChildBut(database, LINKS, repository,
                removedFrom == LINKS ? Optional.of(removed) : Optional.empty());
        boolean manifests = Scans.anyChildBut(database, MANIFESTS, repository,
                removedFrom == MANIFESTS ? Optional.of(removed) : Optional.empty());
        if (!links && !manifests) {
            batch.delete(REPOSITORIES, ROOT, repository);
            batch.repositoryEmptied(repository);
        }
    }
}
