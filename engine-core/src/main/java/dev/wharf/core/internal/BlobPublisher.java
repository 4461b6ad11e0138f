package dev.wharf.core.internal;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.BlobReader;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.RepositoryLinks;
import dev.wharf.spi.StagedBlob;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where bytes become a blob a repository can read: receiving a body into a staged write while hashing it,
 * and linking published bytes into a repository under the digest's lock.
 *
 * <p>The digest lock is what keeps online garbage collection safe: the collector deletes a blob only after
 * re-checking, under the same lock, that nothing links it, so it can never delete bytes between "the blob
 * exists, keep it" and the link that makes them reachable.
 */
public final class BlobPublisher {
    private final BlobReader blobs;
    private final RepositoryLinks links;
    private final StripedLocks blobLocks;
    private final Events events;
    private final Quotas quotas;

    public BlobPublisher(BlobReader blobs, RepositoryLinks links, StripedLocks blobLocks, Events events,
                         Quotas quotas) {
        this.blobs = blobs;
        this.links = links;
        this.blobLocks = blobLocks;
        this.events = events;
        this.quotas = quotas;
    }

    /**
     * What a link reports: an event of {@code type} on behalf of {@code caller}, or nothing ({@link #SILENT}, for
     * links the registry makes for itself, such as a mirror's).
     */
    record Report(RegistryEvent.Type type, Caller caller) {
    }

    /** Links that report no event. */
    static final Report SILENT = null;

    /** Commits verified staged bytes and links them into {@code repo}, reporting the link as {@code report}. */
    BlobInfo publish(StagedBlob staged, RepositoryName repo, Digest digest, Report report) {
        return publish(staged, repo, digest, () -> { }, report);
    }

    /**
     * Commits verified staged bytes and links them into {@code repo}, running {@code committed} between the two:
     * if the link then fails, the bytes are published (invisible until linked, collectable as garbage) and the
     * staged write is gone, which the caller needs to know to retry with {@link #linkStored} instead.
     */
    BlobInfo publish(StagedBlob staged, RepositoryName repo, Digest digest, Runnable committed, Report report) {
        PendingEvents[] reported = new PendingEvents[1];
        BlobInfo published = blobLocks.with(digest, () -> {
            BlobInfo info = staged.commit(digest);
            committed.run();
            reported[0] = pending(report, repo, info);
            quotas.counted(() -> links.linkBlob(repo, digest, info.size(), reported[0]));
            return info;
        });
        events.deliver(reported[0]);
        return published;
    }

    private PendingEvents pending(Report report, RepositoryName repo, BlobInfo info) {
        return report == SILENT ? PendingEvents.none() : events.blobPending(report.type(), report.caller(), repo, info);
    }

    /**
     * Links bytes already published under {@code digest} into {@code repo}: the retry of a {@link #publish}
     * whose link failed, for bytes the engine verified then. Empty if they are no longer stored (garbage
     * collection took them meanwhile).
     */
    Optional<BlobInfo> linkStored(RepositoryName repo, Digest digest, Report report) {
        PendingEvents[] reported = {PendingEvents.none()};
        Optional<BlobInfo> linked = blobLocks.with(digest, () -> {
            Optional<BlobInfo> stat = blobs.stat(digest);
            if (stat.isPresent()) {
                reported[0] = pending(report, repo, stat.get());
                quotas.counted(() -> links.linkBlob(repo, digest, stat.get().size(), reported[0]));
            }
            return stat;
        });
        events.deliver(reported[0]);
        return linked;
    }

    /** Links stored bytes into {@code repo} if {@code source} still links them; empty otherwise. */
    Optional<BlobInfo> linkFrom(RepositoryName source, RepositoryName repo, Digest digest, Report report) {
        PendingEvents[] reported = {PendingEvents.none()};
        Optional<BlobInfo> linked = blobLocks.with(digest, () -> {
            Optional<BlobInfo> stat = blobs.stat(digest);
            if (stat.isPresent() && links.isBlobLinked(source, digest)) {
                reported[0] = pending(report, repo, stat.get());
                quotas.counted(() -> links.linkBlob(repo, digest, stat.get().size(), reported[0]));
                return stat;
            }
            return Optional.empty();
        });
        events.deliver(reported[0]);
        return linked;
    }

    /** Deletes bytes with {@code delete} only if no repository links them, under the digest's lock. */
    boolean deleteIfUnlinked(Digest digest, java.util.function.Predicate<Digest> delete) {
        return blobLocks.with(digest, () -> links.repositoriesLinking(digest, Optional.empty(), 1).items().isEmpty()
                && delete.test(digest));
    }

    /**
     * Streams a body into staged storage through {@code hasher}. A broken client body and a count that
     * disagrees with {@code expected} are both SIZE_INVALID.
     */
    static long receive(StagedBlob staged, InputStream body, MessageDigest hasher, OptionalLong expected,
                        boolean durable) {
        HashingInputStream in = new HashingInputStream(body, hasher);
        long n;
        try {
            n = staged.append(in, durable);
        } catch (HashingInputStream.ClientBodyException e) {
            throw Errors.bodyEnded(in.count(), expected, e);
        }
        if (expected.isPresent() && n != expected.getAsLong()) {
            throw Errors.sizeMismatch(expected.getAsLong(), n);
        }
        return n;
    }

    /** Discards a staged write after a failure, recording a failing discard on {@code primary}. */
    static void discardQuietly(StagedBlob staged, Throwable primary) {
        try {
            staged.discard();
        } catch (RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
