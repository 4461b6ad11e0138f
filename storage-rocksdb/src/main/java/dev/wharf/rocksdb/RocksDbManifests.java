package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.spi.PendingEvents;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.rocksdb.KeySchema.RepoDigest;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.ManifestStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

import static dev.wharf.rocksdb.KeySchema.MANIFESTS;
import static dev.wharf.rocksdb.KeySchema.REFERRERS;

/**
 * The {@link ManifestStore} role on RocksDB: {@code manifests} and the {@code referrers} index (see
 * {@link KeySchema}). A push or a delete is one {@link Batch} that also carries the repository marker
 * ({@link RocksDbRepositoryLinks}) and the tag changes ({@link RocksDbTags}); the {@link ReadCache} is
 * invalidated after the write, before the call returns. A push is a compare-and-set on its tags, checked and
 * written under the repository's lock ({@link RepositoryLocks}), which is released before any WAL sync.
 * Manifest content for pulls is served from the cache.
 */
final class RocksDbManifests implements ManifestStore {
    private final Database database;
    private final RepositoryLocks locks;
    private final ReadCache cache;
    private final RocksDbRepositoryLinks repositories;
    private final RocksDbTags tags;

    RocksDbManifests(Database database, RepositoryLocks locks, ReadCache cache, RocksDbRepositoryLinks repositories,
                     RocksDbTags tags) {
        this.database = database;
        this.locks = locks;
        this.cache = cache;
        this.repositories = repositories;
        this.tags = tags;
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return database.guarded(() -> database.get(MANIFESTS, repository, digest));
    }

    /** Decodes only what serving needs ({@link RecordCodec#manifestContent}), through the read cache. */
    @Override
    public Optional<Manifest> manifestContent(RepositoryName repository, Digest digest) {
        database.checkOpen();
        return cache.manifest(repository, digest, () -> database.guarded(
                () -> database.get(MANIFESTS, repository, digest, RecordCodec::manifestContent)));
    }

    /** One batch under the repository's lock: each tag is compared with its move's {@code from}, then written. */
    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                               PendingEvents events) {
        Digest digest = manifest.digest();
        return locks.locked(repository, () -> {
            for (TagMove move : moves) {
                if (!tags.pointsAt(repository, move.tag(), move.from())) {
                    return false;
                }
            }
            try (Batch batch = database.batch()) {
                batch.record(events);
                dev.wharf.spi.UsageTally tally = batch.usage(repository);
                if (tally != null) {
                    if (!database.has(MANIFESTS, repository, digest)) {
                        tally.manifestAdded(digest, manifest.manifest().size());
                    }
                    tally.tagsAdded((int) moves.stream().filter(m -> m.from().isEmpty()).count());
                }
                repositories.markRepository(batch, repository);
                batch.put(MANIFESTS, repository, digest, manifest);
                for (TagMove move : moves) {
                    tags.move(batch, repository, manifest, move);
                }
                if (manifest.subject().isPresent()) {
                    batch.put(REFERRERS, new RepoDigest(repository, manifest.subject().get()), digest,
                            manifest.referrerDescriptor());
                }
                batch.commit();
                cache.invalidate(repository.value(), digest, moves.stream().map(TagMove::tag).toList());
            }
            return true;
        });
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents events) {
        return locks.locked(repository, () -> {
            Optional<ManifestRecord> record = database.get(MANIFESTS, repository, digest);
            if (record.isEmpty()) {
                return false;
            }
            try (Batch batch = database.batch()) {
                batch.record(events);
                batch.delete(MANIFESTS, repository, digest);
                List<Tag> removedTags = tags.removeAll(batch, repository, digest, at);
                dev.wharf.spi.UsageTally tally = batch.usage(repository);
                if (tally != null) {
                    tally.manifestRemoved(digest).tagsRemoved(removedTags.size());
                }
                if (record.get().subject().isPresent()) {
                    batch.delete(REFERRERS, new RepoDigest(repository, record.get().subject().get()), digest);
                }
                repositories.dropRepositoryIfEmpty(batch, repository, MANIFESTS, digest);
                batch.commit();
                cache.invalidate(repository.value(), digest, removedTags);
            }
            return true;
        });
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return database.guarded(() -> Scans.values(database, REFERRERS, new RepoDigest(repository, subject),
                after.map(Digest::toString), limit));
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        database.guarded(() -> {
            Scans.forEach(database, MANIFESTS, (repository, digest, record) -> visitor.accept(repository, record));
            return null;
        });
    }
}
