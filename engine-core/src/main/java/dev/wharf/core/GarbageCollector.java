package dev.wharf.core;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.GcReport;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Online garbage collection: mark and sweep while the registry serves.
 *
 * <p>Why it is safe without stopping the world:
 * <ul>
 *   <li>Mark: a blob is live if some repository links it or some manifest references it.</li>
 *   <li>Grace: an unreferenced blob is deleted only once it has been found unreferenced for at least the
 *       grace period, across runs; becoming referenced again resets that clock.</li>
 *   <li>Re-check: the delete happens under the blob's digest lock after confirming that no repository
 *       links it. Every way of creating a link to existing bytes (upload commit, single-request push,
 *       mount) takes the same lock, and a manifest can only be pushed when its blobs are linked, so a blob
 *       that anything can still reach is never deleted.</li>
 *   <li>Untagged manifests (only with a retention configured) are deleted per repository under the
 *       repository lock, and only if the repository did not change since they were found unreferenced.</li>
 * </ul>
 * One run at a time; a run never fails a concurrent push or pull.
 */
final class GarbageCollector {
    private final BlobStore blobs;
    private final MetadataStore meta;
    private final Uploads uploads;
    private final StripedLocks blobLocks;
    private final StripedLocks repoLocks;
    private final RegistryConfig config;
    /** When each currently unreferenced blob was first found so; forgotten when it is referenced again. */
    private final Map<Digest, Instant> unreferencedSince = new ConcurrentHashMap<>();
    private final ReentrantLock running = new ReentrantLock();

    GarbageCollector(BlobStore blobs, MetadataStore meta, Uploads uploads, StripedLocks blobLocks,
                     StripedLocks repoLocks, RegistryConfig config) {
        this.blobs = blobs;
        this.meta = meta;
        this.uploads = uploads;
        this.blobLocks = blobLocks;
        this.repoLocks = repoLocks;
        this.config = config;
    }

    GcReport run() {
        running.lock();
        try {
            long started = System.nanoTime();
            Instant now = config.clock().instant();
            int uploadsExpired = uploads.expireIdle();
            int manifestsDeleted = config.gc().untaggedManifestRetention().map(r -> collectManifests(now.minus(r)))
                    .orElse(0);
            Set<Digest> live = new HashSet<>();
            meta.forEachLink((repo, digest) -> live.add(digest));
            meta.forEachManifest((repo, manifest) -> live.addAll(manifest.blobs()));
            List<BlobInfo> unreferenced = new ArrayList<>();
            Uploads.io(() -> {
                blobs.forEach(blob -> {
                    if (!live.contains(blob.digest())) {
                        unreferenced.add(blob);
                    }
                });
                return null;
            });
            Set<Digest> stillUnreferenced = new HashSet<>();
            int deleted = 0;
            int pending = 0;
            long bytes = 0;
            Duration grace = config.gc().blobGracePeriod();
            for (BlobInfo blob : unreferenced) {
                Instant since = unreferencedSince.computeIfAbsent(blob.digest(), d -> now);
                if (since.plus(grace).isAfter(now)) {
                    stillUnreferenced.add(blob.digest());
                    pending++;
                } else if (deleteIfUnlinked(blob.digest())) {
                    deleted++;
                    bytes += blob.size();
                }
            }
            unreferencedSince.keySet().retainAll(stillUnreferenced);
            return new GcReport(deleted, bytes, pending, manifestsDeleted, uploadsExpired,
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            running.unlock();
        }
    }

    private boolean deleteIfUnlinked(Digest digest) {
        return blobLocks.with(digest, () -> {
            if (!meta.repositoriesLinking(digest, Optional.empty(), 1).items().isEmpty()) {
                return false;
            }
            try {
                return blobs.delete(digest);
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** What the retention rule needs of a manifest, without holding its bytes. */
    private record Facts(Digest digest, Set<Digest> children, Optional<Digest> subject, Instant pushedAt) {
    }

    /** Deletes untagged manifests pushed before {@code cutoff} that nothing in their repository needs. */
    private int collectManifests(Instant cutoff) {
        Map<RepositoryName, List<Facts>> byRepo = new HashMap<>();
        Map<RepositoryName, Long> versions = new HashMap<>();
        meta.forEachManifest((repo, m) -> {
            versions.computeIfAbsent(repo, repoLocks::version);
            byRepo.computeIfAbsent(repo, r -> new ArrayList<>()).add(facts(m));
        });
        int deleted = 0;
        for (Map.Entry<RepositoryName, List<Facts>> entry : byRepo.entrySet()) {
            RepositoryName repo = entry.getKey();
            Set<Digest> present = new HashSet<>();
            Set<Digest> needed = new HashSet<>();
            for (Facts f : entry.getValue()) {
                present.add(f.digest());
                needed.addAll(f.children());
            }
            ReentrantLock lock = repoLocks.lockFor(repo);
            lock.lock();
            try {
                if (repoLocks.version(repo) != versions.get(repo)) {
                    continue; // changed while we looked: next run
                }
                for (Facts f : entry.getValue()) {
                    boolean referrerOfPresent = f.subject().filter(present::contains).isPresent();
                    if (f.pushedAt().isBefore(cutoff) && !needed.contains(f.digest()) && !referrerOfPresent
                            && meta.tagsOf(repo, f.digest(), 1).isEmpty()
                            && meta.deleteManifest(repo, f.digest(), config.clock().instant())) {
                        deleted++;
                    }
                }
                repoLocks.changed(repo);
            } finally {
                lock.unlock();
            }
        }
        return deleted;
    }

    private static Facts facts(ManifestRecord m) {
        return new Facts(m.digest(), m.children(), m.subject(), m.pushedAt());
    }
}
