package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStatus;
import dev.wharf.spi.BlobStaging;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StorageException;
import dev.wharf.spi.UploadRecord;
import dev.wharf.spi.UploadSessionStore;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Upload sessions (spec "Pushing blobs": end-4a/4c, end-5, end-6, end-13, end-14).
 *
 * <p>Invariants: a session's {@link UploadRecord#offset()} is the number of bytes acknowledged to the
 * client, and the staged bytes equal exactly those bytes whenever the session's lock is free. A chunk is
 * all-or-nothing: if it fails for any reason (out of order, wrong length, broken body, storage error) the
 * staged bytes are truncated and the running hash restored to where they were. Calls on one session are
 * serialised by its lock; different sessions proceed in parallel. Bytes are received and published by
 * {@link BlobPublisher}.
 *
 * <p>The closing {@code PUT}'s final chunk is acknowledged only by the 201: if closing fails, the session is
 * left exactly as the last {@code PATCH} left it. If it fails after the bytes were published (their link or
 * the metadata after it failed), the staged write is gone, so the session remembers the published digest and
 * a retried close links those bytes instead of receiving them again.
 */
public final class UploadSessions {
    private static final Logger LOG = Logger.getLogger(UploadSessions.class.getName());
    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final BlobStaging blobs;
    private final UploadSessionStore meta;
    private final BlobPublisher publisher;
    private final Access access;
    private final Events events;
    private final Clock clock;
    private final Duration expiry;
    private final Map<String, Session> live = new ConcurrentHashMap<>();

    /** Live state of one session; guarded by {@link #lock}. */
    private static final class Session {
        final ReentrantLock lock = new ReentrantLock();
        final StagedBlob staged;
        UploadRecord record;
        /** Hash of the acknowledged bytes, or null until recomputed (after a restart or a failed rollback). */
        MessageDigest hasher;
        /** The digest the staged bytes were published under by a close that failed afterwards, or null. */
        Digest published;
        boolean closed;

        Session(UploadRecord record, StagedBlob staged, MessageDigest hasher) {
            this.record = record;
            this.staged = staged;
            this.hasher = hasher;
        }
    }

    public UploadSessions(BlobStaging blobs, UploadSessionStore meta, BlobPublisher publisher, Access access,
                          Events events, Clock clock, Duration expiry) {
        this.blobs = blobs;
        this.meta = meta;
        this.publisher = publisher;
        this.access = access;
        this.events = events;
        this.clock = clock;
        this.expiry = expiry;
    }

    public UploadStatus start(Caller caller, RepositoryName repo, Optional<DigestAlgorithm> algorithm) {
        access.require(caller, Action.PUSH, repo);
        return open(repo, algorithm.orElse(DigestAlgorithm.SHA256));
    }

    /** Opens a session without an access check (the caller has been checked). */
    UploadStatus open(RepositoryName repo, DigestAlgorithm algorithm) {
        StagedBlob staged = blobs.stage();
        Instant now = clock.instant();
        UploadRecord record = new UploadRecord(UUID.randomUUID().toString(), repo, staged.id(), algorithm, 0, now, now);
        try {
            meta.putUpload(record);
        } catch (RuntimeException e) {
            BlobPublisher.discardQuietly(staged, e);
            throw e;
        }
        live.put(record.id(), new Session(record, staged, algorithm.newMessageDigest()));
        return status(record);
    }

    public UploadStatus status(Caller caller, RepositoryName repo, String id) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        try {
            return status(s.record);
        } finally {
            s.lock.unlock();
        }
    }

    public UploadStatus append(Caller caller, RepositoryName repo, String id, UploadChunk chunk) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        try {
            appendLocked(s, chunk, true);
            return status(s.record);
        } finally {
            s.lock.unlock();
        }
    }

    public BlobInfo complete(Caller caller, RepositoryName repo, String id, Digest digest, UploadChunk finalChunk) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        UploadRecord acknowledged = s.record;
        MessageDigest acknowledgedHash = s.hasher == null ? null : cloneOf(s.hasher);
        try {
            boolean hasFinalChunk = finalChunk.contentLength().orElse(-1) != 0 || finalChunk.contentRange().isPresent();
            if (hasFinalChunk && s.published == null) {
                appendLocked(s, finalChunk, false); // commit makes it durable
            }
            Digest actual = s.published != null ? s.published : finalDigest(s, digest.algorithm());
            if (!actual.equals(digest)) {
                closeLocked(s);
                throw Errors.blobDigestMismatch(digest, actual, true);
            }
            BlobInfo info;
            if (s.published == null) {
                info = publisher.publish(s.staged, repo, digest, () -> s.published = digest);
            } else {
                Optional<BlobInfo> stored = publisher.linkStored(repo, digest);
                if (stored.isEmpty()) { // collected as garbage meanwhile: the session has nothing left
                    closeLocked(s);
                    throw Errors.uploadUnknown(id);
                }
                info = stored.get();
            }
            s.closed = true;
            live.remove(id);
            removeFinished(id);
            events.blob(RegistryEvent.Type.BLOB_UPLOADED, caller, repo, info);
            return info;
        } catch (RuntimeException e) {
            if (!s.closed && s.record != acknowledged) {
                rollBack(s, acknowledged, acknowledgedHash, e);
            }
            throw e;
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * Removes a finished session's record. The blob is linked by now, so the upload has succeeded: a store
     * failure here only leaves a record whose staged write is gone, which the next look-up ({@link #load}) or
     * expiry drops.
     */
    private void removeFinished(String id) {
        try {
            meta.deleteUpload(id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upload " + id + " is finished, but its record could not be removed yet;"
                    + " it is dropped at its next look-up or expiry", e);
        }
    }

    /** Puts the session back to what it had acknowledged, after a close that did not publish the final chunk. */
    private static void rollBack(Session s, UploadRecord acknowledged, MessageDigest acknowledgedHash,
                                 RuntimeException failure) {
        s.record = acknowledged;
        if (s.published != null) {
            return; // the staged write is gone: its bytes are the published blob
        }
        try {
            s.staged.truncate(acknowledged.offset());
            s.hasher = acknowledgedHash;
        } catch (RuntimeException rollback) {
            failure.addSuppressed(rollback);
            s.hasher = null;
        }
    }

    public void cancel(Caller caller, RepositoryName repo, String id) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        try {
            closeLocked(s);
        } finally {
            s.lock.unlock();
        }
    }

    /** Closes sessions idle for longer than the expiry; returns how many. */
    public int expireIdle() {
        int expired = 0;
        for (UploadRecord record : meta.uploads()) {
            if (!isExpired(record)) {
                continue;
            }
            Session s = live.computeIfAbsent(record.id(), this::load);
            if (s == null || !s.lock.tryLock()) {
                continue;
            }
            try {
                if (!s.closed && isExpired(s.record)) {
                    closeLocked(s);
                    expired++;
                }
            } finally {
                s.lock.unlock();
            }
        }
        return expired;
    }

    // ---- internals ----

    private boolean isExpired(UploadRecord record) {
        return record.updated().plus(expiry).isBefore(clock.instant());
    }

    private static UploadStatus status(UploadRecord record) {
        return new UploadStatus(record.id(), record.repository(), record.offset());
    }

    /** Finds and locks a session of {@code repo}; the caller must unlock it. */
    private Session acquire(String id, RepositoryName repo) {
        if (id == null || !UUID_PATTERN.matcher(id).matches()) {
            throw Errors.uploadUnknown(String.valueOf(id));
        }
        Session s = live.computeIfAbsent(id, this::load);
        if (s == null) {
            throw Errors.uploadUnknown(id);
        }
        s.lock.lock();
        if (s.closed || !s.record.repository().equals(repo)) {
            s.lock.unlock();
            throw Errors.uploadUnknown(id);
        }
        if (isExpired(s.record)) {
            try {
                closeLocked(s);
            } finally {
                s.lock.unlock();
            }
            throw Errors.uploadUnknown(id);
        }
        return s;
    }

    /** Rebuilds a session from the metadata store (after a restart), or null if it is gone. */
    private Session load(String id) {
        Optional<UploadRecord> found = meta.upload(id);
        if (found.isEmpty()) {
            return null;
        }
        UploadRecord record = found.get();
        Optional<StagedBlob> staged = blobs.resume(record.stagedId());
        try {
            long size = staged.isPresent() ? staged.get().size() : -1;
            if (size > record.offset()) {
                staged.get().truncate(record.offset()); // bytes of a chunk that was never acknowledged
            }
            if (size >= record.offset()) {
                return new Session(record, staged.get(), null);
            }
        } catch (StorageException e) {
            if (blobs.resume(record.stagedId()).isPresent()) {
                throw e;
            }
            // Discarded between resume and here, by expiry closing the same session on another thread.
        }
        // Staged bytes lost: the session cannot continue.
        staged.ifPresent(st -> BlobPublisher.discardQuietly(st, null));
        meta.deleteUpload(id);
        return null;
    }

    private void appendLocked(Session s, UploadChunk chunk, boolean durable) {
        long start = s.record.offset();
        OptionalLong expected = expectedLength(chunk, start);
        MessageDigest hasher = hasher(s);
        MessageDigest before = cloneOf(hasher);
        try {
            long n = BlobPublisher.receive(s.staged, chunk.body(), hasher, expected, durable);
            UploadRecord advanced = s.record.advancedTo(start + n, clock.instant());
            if (durable) {
                meta.putUpload(advanced); // a PATCH acknowledges its chunk; a closing PUT's counts once published
            }
            s.record = advanced;
        } catch (RuntimeException e) {
            try {
                s.staged.truncate(start);
                s.hasher = before;
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
                s.hasher = null;
            }
            throw e;
        }
    }

    /** Checks a chunk's declared range and length against the session; returns the length to expect. */
    private static OptionalLong expectedLength(UploadChunk chunk, long offset) {
        if (chunk.contentRange().isEmpty()) {
            return chunk.contentLength();
        }
        ByteRange range = chunk.contentRange().get();
        if (range.first() != offset) {
            throw Errors.chunkOutOfOrder(range.first(), offset);
        }
        if (chunk.contentLength().isPresent() && chunk.contentLength().getAsLong() != range.length()) {
            throw Errors.contentRangeLength(range.first(), range.last(), chunk.contentLength().getAsLong());
        }
        return OptionalLong.of(range.length());
    }

    private MessageDigest hasher(Session s) {
        if (s.hasher == null) {
            s.hasher = rehash(s, s.record.algorithm());
        }
        return s.hasher;
    }

    private Digest finalDigest(Session s, DigestAlgorithm algorithm) {
        MessageDigest h = algorithm == s.record.algorithm() ? cloneOf(hasher(s)) : rehash(s, algorithm);
        return Digest.of(algorithm, h.digest());
    }

    private MessageDigest rehash(Session s, DigestAlgorithm algorithm) {
        MessageDigest h = algorithm.newMessageDigest();
        try (InputStream in = s.staged.read()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                h.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new StorageException("cannot re-read the staged bytes of upload " + s.record.id(), e);
        }
        return h;
    }

    /** Ends a session: its record first, so that a store refusing that leaves the session whole and open. */
    private void closeLocked(Session s) {
        meta.deleteUpload(s.record.id());
        s.closed = true;
        live.remove(s.record.id());
        s.staged.discard();
    }

    private static MessageDigest cloneOf(MessageDigest h) {
        try {
            return (MessageDigest) h.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK digest not cloneable", e);
        }
    }
}
