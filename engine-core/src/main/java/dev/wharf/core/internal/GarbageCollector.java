package dev.wharf.core.internal;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.GcReport;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.Coordination;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.MetadataStore;

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
import java.util.concurrent.locks.Lock;
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
 *       repository lock, held alone (pushes hold it shared), and only if the repository did not change since
 *       they were found unreferenced.</li>
 * </ul>
 * One run at a time; a run never fails a concurrent push or pull. Each blob and manifest it removes is
 * reported as an event. A blob store without {@link BlobStore#deletion()} keeps every blob: the run then
 * reclaims manifests and upload sessions only.
 */
public final class GarbageCollector {
    private final BlobStore blobs;
    private final MetadataStore meta;
    private final UploadSessions uploads;
    private final BlobPublisher publisher;
    private final Manifests manifests;
    private final Events events;
    private final StripedLocks repoLocks;
    private final RegistryConfig config;
    private final Mirror mirror;
    /** When each currently unreferenced blob was first found so; forgotten when it is referenced again. */
    private final Map<Digest, Instant> unreferencedSince = new ConcurrentHashMap<>();
    private final ReentrantLock running = new ReentrantLock();
    /** Set when the metadata store is shared by several nodes: collections take turns through its lease. */
    private final Optional<Coordination> coordination;
    /** This node, as the lease's holder; drawn on first use (a random UUID seeds a SecureRandom, slow at start). */
    private String node;
    /** The lease a collection holds on a shared store, so that one node at a time collects. */
    static final String LEASE = "wharf-garbage-collection";
    /** How long a collection holds the lease before it must renew it (it renews between phases). */
    static final Duration LEASE_TERM = Duration.ofMinutes(10);

    public GarbageCollector(BlobStore blobs, MetadataStore meta, UploadSessions uploads, BlobPublisher publisher,
                            Manifests manifests, Events events, StripedLocks repoLocks, RegistryConfig config,
                            Mirror mirror) {
        this.coordination = meta.coordination();
        this.blobs = blobs;
        this.meta = meta;
        this.uploads = uploads;
        this.publisher = publisher;
        this.manifests = manifests;
        this.events = events;
        this.repoLocks = repoLocks;
        this.config = config;
        this.mirror = mirror;
    }

    /**
     * One collection: expired uploads, untagged manifests past retention, then unreferenced blobs. On a metadata
     * store shared by several nodes it first waits for the collection lease, so that one node collects at a time
     * while every node serves; the locks it takes hold across nodes too ({@link StripedLocks}).
     */
    public GcReport run() {
        running.lock();
        boolean leased = false;
        try {
            if (coordination.isPresent()) {
                awaitLease(coordination.get());
                leased = true;
            }
            long started = System.nanoTime();
            Instant now = config.clock().instant();
            int uploadsExpired = uploads.expireIdle();
            int manifestsDeleted = config.gc().untaggedManifestRetention().map(r -> collectManifests(now.minus(r)))
                    .orElse(0);
            if (!mirror.isEmpty()) {
                manifestsDeleted += evictUnpulled(now);
            }
            if (leased) {
                renewLease(coordination.get());
            }
            Optional<BlobDeletion> deletion = blobs.deletion();
            List<BlobInfo> unreferenced = deletion.map(this::unreferenced).orElse(List.of());
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
                } else if (publisher.deleteIfUnlinked(blob.digest(), deletion.get()::delete)) {
                    deleted++;
                    bytes += blob.size();
                    events.blobCollected(blob);
                }
            }
            unreferencedSince.keySet().retainAll(stillUnreferenced);
            return new GcReport(deleted, bytes, pending, manifestsDeleted, uploadsExpired,
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            try {
                if (leased) {
                    coordination.get().releaseLease(LEASE, node());
                }
            } finally {
                running.unlock();
            }
        }
    }

    /** Called only to take or give back the lease, once or twice a collection: a plain lock is enough. */
    private synchronized String node() {
        if (node == null) {
            node = java.util.UUID.randomUUID().toString();
        }
        return node;
    }

    /** Waits until this node holds the collection lease (another node's collection is running meanwhile). */
    private void awaitLease(Coordination c) {
        while (!c.lease(LEASE, node(), LEASE_TERM)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while another node collects garbage", e);
            }
        }
    }

    /** Renews the lease between phases; a collection whose lease ran out stops before deleting blobs. */
    private void renewLease(Coordination c) {
        if (!c.lease(LEASE, node(), LEASE_TERM)) {
            throw new IllegalStateException("the garbage collection lease ran out (a phase took longer than "
                    + LEASE_TERM + ") and another node took it: this collection stops");
        }
    }

    /** Stored blobs that no repository links and no manifest references. */
    private List<BlobInfo> unreferenced(BlobDeletion deletion) {
        Set<Digest> live = new HashSet<>();
        meta.forEachLink((repo, digest) -> live.add(digest));
        meta.forEachManifest((repo, manifest) -> live.addAll(manifest.blobs()));
        List<BlobInfo> unreferenced = new ArrayList<>();
        deletion.forEach(blob -> {
            if (!live.contains(blob.digest())) {
                unreferenced.add(blob);
            }
        });
        return unreferenced;
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
        List<PendingEvents> removed = new ArrayList<>();
        for (Map.Entry<RepositoryName, List<Facts>> entry : byRepo.entrySet()) {
            RepositoryName repo = entry.getKey();
            Set<Digest> present = new HashSet<>();
            Set<Digest> needed = new HashSet<>();
            for (Facts f : entry.getValue()) {
                present.add(f.digest());
                needed.addAll(f.children());
            }
            Lock lock = repoLocks.exclusive(repo);
            lock.lock();
            try {
                if (repoLocks.version(repo) != versions.get(repo)) {
                    continue; // changed while we looked: next run
                }
                for (Facts f : entry.getValue()) {
                    boolean referrerOfPresent = f.subject().filter(present::contains).isPresent();
                    if (!f.pushedAt().isBefore(cutoff) || needed.contains(f.digest()) || referrerOfPresent
                            || !meta.tagsOf(repo, f.digest(), 1).isEmpty()) {
                        continue;
                    }
                    Optional<ManifestRecord> record = meta.manifest(repo, f.digest());
                    if (record.isEmpty()) {
                        continue;
                    }
                    PendingEvents pending = events.removal(RegistryEvent.Origin.GARBAGE_COLLECTION,
                            Caller.anonymous(), repo, record.get(), List.of());
                    if (meta.deleteManifest(repo, f.digest(), config.clock().instant(), pending)) {
                        deleted++;
                        removed.add(pending);
                    }
                }
                repoLocks.changed(repo);
            } finally {
                lock.unlock();
            }
            removed.forEach(events::deliver);
            removed.clear();
        }
        return deleted;
    }

    /**
     * Removes mirrored manifests, with their tags, that were not pulled within their upstream's retention, and
     * unlinks the blobs no remaining manifest of their repository references; the blob sweep then reclaims the
     * bytes past the grace period. A pull afterwards fetches them again.
     */
    private int evictUnpulled(Instant now) {
        Map<RepositoryName, List<Digest>> unused = new HashMap<>();
        Map<RepositoryName, Set<Digest>> childrenOfKept = new HashMap<>();
        meta.forEachManifest((repo, m) -> mirror.mirrored(repo).flatMap(Mirror.Mirrored::retention).ifPresent(keep -> {
            if (isUnused(repo, m.digest(), keep, now)) {
                unused.computeIfAbsent(repo, r -> new ArrayList<>()).add(m.digest());
            } else {
                childrenOfKept.computeIfAbsent(repo, r -> new HashSet<>()).addAll(m.children());
            }
        }));
        int deleted = 0;
        for (Map.Entry<RepositoryName, List<Digest>> entry : unused.entrySet()) {
            RepositoryName repo = entry.getKey();
            Map<ManifestRecord, PendingEvents> removed = new java.util.LinkedHashMap<>();
            Lock lock = repoLocks.exclusive(repo);
            lock.lock();
            try {
                Set<Digest> needed = childrenOfKept.getOrDefault(repo, Set.of());
                Duration keep = mirror.mirrored(repo).flatMap(Mirror.Mirrored::retention).orElseThrow();
                for (Digest digest : entry.getValue()) {
                    // Looked at again under the lock: a pull since the scan keeps it, as does a kept index.
                    if (needed.contains(digest) || !isUnused(repo, digest, keep, now)) {
                        continue;
                    }
                    Optional<ManifestRecord> record = meta.manifest(repo, digest);
                    if (record.isEmpty()) {
                        continue;
                    }
                    PendingEvents pending = events.removal(RegistryEvent.Origin.GARBAGE_COLLECTION, Caller.anonymous(),
                            repo, record.get(), meta.tagsOf(repo, digest, Integer.MAX_VALUE));
                    if (meta.deleteManifest(repo, digest, now, pending)) {
                        removed.put(record.get(), pending);
                        mirror.evicted(repo, digest);
                    }
                }
                Set<Digest> stillUsed = new HashSet<>();
                meta.forEachManifest((r, m) -> {
                    if (r.equals(repo)) {
                        stillUsed.addAll(m.blobs());
                    }
                });
                for (ManifestRecord record : removed.keySet()) {
                    for (Digest blob : record.blobs()) {
                        if (!stillUsed.contains(blob)) {
                            meta.unlinkBlob(repo, blob);
                        }
                    }
                }
                repoLocks.changed(repo);
            } finally {
                lock.unlock();
            }
            removed.values().forEach(events::deliver);
            deleted += removed.size();
        }
        return deleted;
    }

    private boolean isUnused(RepositoryName repo, Digest digest, Duration keep, Instant now) {
        return mirror.lastPulled(repo, digest, now).plus(keep).isBefore(now);
    }

    private static Facts facts(ManifestRecord m) {
        return new Facts(m.digest(), m.children(), m.subject(), m.pushedAt());
    }
}
