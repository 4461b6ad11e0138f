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
import dev.wharf.api.UploadSink;
import dev.wharf.api.UploadStatus;
import dev.wharf.spi.BlobStaging;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 *
 * <p>A body pushed piece by piece ({@link UploadSink}, from {@link #openAppend}/{@link #openComplete}) holds the
 * session's lock from the moment it is opened until it is finished or aborted, possibly across threads, so the
 * lock is a semaphore rather than an owned lock. A request that finds its session held waits briefly, then is
 * refused as out of order (416 with the acknowledged offset): chunks of one session are sent one after another,
 * and a second body while the first still flows cannot start where the first will end.
 */
public final class UploadSessions {
    private static final Logger LOG = Logger.getLogger(UploadSessions.class.getName());
    /** How long a request waits for a session another request is writing before it is refused. */
    private static final long BUSY_WAIT_MILLIS = 2_000;
    /** Where a retried close of an already published session puts its body: nowhere. */
    private static final StagedWriter DISCARDING = new StagedWriter() {
        @Override
        public void write(java.nio.ByteBuffer bytes) {
            bytes.position(bytes.limit());
        }

        @Override
        public void finish(boolean durable) {
        }

        @Override
        public void close() {
        }
    };
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

    /** Live state of one session; guarded by {@link #lock}, except that {@link #record} may be read without it. */
    private static final class Session {
        final Semaphore lock = new Semaphore(1);
        final StagedBlob staged;
        volatile UploadRecord record;
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

    private final Quotas quotas;

    public UploadSessions(BlobStaging blobs, UploadSessionStore meta, BlobPublisher publisher, Access access,
                          Events events, Clock clock, Duration expiry, Quotas quotas) {
        this.quotas = quotas;
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
        quotas.checkRepository(repo);
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

    /**
     * The acknowledged state of a session. Read without waiting for a body another request is still writing:
     * what that body has not finished is not acknowledged, so it is not part of the answer.
     */
    public UploadStatus status(Caller caller, RepositoryName repo, String id) {
        access.require(caller, Action.PUSH, repo);
        Session s = find(id);
        if (s.lock.tryAcquire()) {
            try {
                checkOpen(s, id, repo);
                Optional<UploadRecord> stored = meta.upload(id);
                if (stored.isPresent() && sameState(stored.get(), s.record)) {
                    return status(s.record);
                }
                // Moved on, or ended, by another node sharing the metadata store: forget this copy.
                s.closed = true;
                live.remove(id, s);
                UploadRecord current = stored.filter(r -> r.repository().equals(repo) && !isExpired(r))
                        .orElseThrow(() -> Errors.uploadUnknown(id));
                return status(current);
            } finally {
                s.lock.release();
            }
        }
        if (s.closed || !s.record.repository().equals(repo)) {
            throw Errors.uploadUnknown(id);
        }
        return status(s.record);
    }

    public UploadStatus append(Caller caller, RepositoryName repo, String id, UploadChunk chunk) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        try {
            refuseChunkAfterPublish(s);
            appendLocked(s, chunk, true, caller, Optional.empty());
            return status(s.record);
        } finally {
            s.lock.release();
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
                appendLocked(s, finalChunk, false, caller, Optional.of(digest)); // commit makes it durable
            }
            return completeLocked(s, caller, repo, digest, acknowledged, acknowledgedHash);
        } finally {
            s.lock.release();
        }
    }

    /**
     * {@link #append} for a body pushed piece by piece: checks the session and the declared range now and
     * holds the session until the sink is finished or aborted.
     */
    public UploadSink<UploadStatus> openAppend(Caller caller, RepositoryName repo, String id, OptionalLong length,
                                               Optional<ByteRange> range) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        try {
            refuseChunkAfterPublish(s);
            OptionalLong expected = expectedLength(length, range, s.record.offset());
            checkQuota(s, caller, Optional.empty(), expected);
            return new ChunkSink<>(s, expected, true, caller, Optional.empty(), locked -> status(locked.record));
        } catch (RuntimeException e) {
            s.lock.release();
            throw e;
        }
    }

    /** {@link #complete} with a final chunk pushed piece by piece; the digest is checked when it finishes. */
    public UploadSink<BlobInfo> openComplete(Caller caller, RepositoryName repo, String id, Digest digest,
                                             OptionalLong length, Optional<ByteRange> range) {
        access.require(caller, Action.PUSH, repo);
        Session s = acquire(id, repo);
        try {
            UploadRecord acknowledged = s.record;
            MessageDigest acknowledgedHash = s.hasher == null ? null : cloneOf(s.hasher);
            OptionalLong expected = expectedLength(length, range, s.record.offset());
            checkQuota(s, caller, Optional.of(digest), expected);
            return new ChunkSink<>(s, expected, false, caller, Optional.of(digest),
                    locked -> completeLocked(locked, caller, repo, digest, acknowledged, acknowledgedHash));
        } catch (RuntimeException e) {
            s.lock.release();
            throw e;
        }
    }

    /**
     * Checks the digest of the session's bytes and publishes them; the session ends either way but on a store
     * failure, which puts it back to {@code acknowledged}.
     */
    private BlobInfo completeLocked(Session s, Caller caller, RepositoryName repo, Digest digest,
                                    UploadRecord acknowledged, MessageDigest acknowledgedHash) {
        String id = s.record.id();
        try {
            Digest actual = s.published != null ? s.published : finalDigest(s, digest.algorithm());
            if (!actual.equals(digest)) {
                closeLocked(s);
                throw Errors.blobDigestMismatch(digest, actual, true);
            }
            BlobInfo info;
            BlobPublisher.Report report = new BlobPublisher.Report(RegistryEvent.Type.BLOB_UPLOADED, caller);
            if (s.published == null) {
                quotas.checkLink(caller, repo, digest, s.record.offset());
                info = publisher.publish(s.staged, repo, digest, () -> s.published = digest, report);
            } else {
                Optional<BlobInfo> stored = publisher.linkStored(repo, digest, report);
                if (stored.isEmpty()) { // collected as garbage meanwhile: the session has nothing left
                    closeLocked(s);
                    throw Errors.uploadUnknown(id);
                }
                info = stored.get();
            }
            s.closed = true;
            live.remove(id);
            removeFinished(id);
            return info;
        } catch (RuntimeException e) {
            if (!s.closed && s.record != acknowledged) {
                rollBack(s, acknowledged, acknowledgedHash, e);
            }
            throw e;
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
            s.lock.release();
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
            if (s == null || !s.lock.tryAcquire()) {
                continue;
            }
            try {
                if (!s.closed && isExpired(s.record)) {
                    closeLocked(s);
                    expired++;
                }
            } finally {
                s.lock.release();
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

    /**
     * Finds and locks a session of {@code repo}, waiting up to {@link #BUSY_WAIT_MILLIS} for a body another
     * request is writing to it; the caller must release it.
     */
    private Session acquire(String id, RepositoryName repo) {
        for (int attempt = 1; ; attempt++) {
            Session s = acquireCached(id, repo);
            if (isCurrent(s)) {
                return s;
            }
            // Another node sharing the metadata store moved the session on (or ended it): this copy is stale.
            s.closed = true;
            live.remove(id, s);
            s.lock.release();
            if (attempt == 3) {
                throw Errors.uploadBusy(id, s.record.offset());
            }
        }
    }

    /**
     * Whether the session's record is still the stored one: the same staged write, at the same offset. It is
     * unless another registry node sharing the metadata store took a request of the session since this node last
     * did; then the session is loaded again (and re-hashed from its staged bytes, which the shared blob store
     * holds). Not the whole record: a store may keep its times to the millisecond only, and a record read back
     * that differs in its update time alone must not cost a re-hash of everything uploaded so far.
     */
    private boolean isCurrent(Session s) {
        return meta.upload(s.record.id()).filter(stored -> sameState(stored, s.record)).isPresent();
    }

    /** Whether a stored record and a node's copy describe the same bytes: staged write and offset. */
    private static boolean sameState(UploadRecord stored, UploadRecord cached) {
        return stored.offset() == cached.offset() && stored.stagedId().equals(cached.stagedId());
    }

    private Session acquireCached(String id, RepositoryName repo) {
        Session s = find(id);
        boolean acquired;
        try {
            acquired = s.lock.tryAcquire(BUSY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.uploadBusy(id, s.record.offset());
        }
        if (!acquired) {
            if (s.closed || !s.record.repository().equals(repo)) {
                throw Errors.uploadUnknown(id);
            }
            throw Errors.uploadBusy(id, s.record.offset());
        }
        try {
            checkOpen(s, id, repo);
        } catch (RuntimeException e) {
            s.lock.release();
            throw e;
        }
        return s;
    }

    /** The live session {@code id}, not locked; UPLOAD_UNKNOWN if there is none. */
    private Session find(String id) {
        if (id == null || !UUID_PATTERN.matcher(id).matches()) {
            throw Errors.uploadUnknown(String.valueOf(id));
        }
        Session s = live.computeIfAbsent(id, this::load);
        if (s == null) {
            throw Errors.uploadUnknown(id);
        }
        return s;
    }

    /** With the lock held: UPLOAD_UNKNOWN for a session closed, of another repository or expired (closed now). */
    private void checkOpen(Session s, String id, RepositoryName repo) {
        if (s.closed || !s.record.repository().equals(repo)) {
            throw Errors.uploadUnknown(id);
        }
        if (isExpired(s.record)) {
            closeLocked(s);
            throw Errors.uploadUnknown(id);
        }
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
        if (staged.isEmpty() && record.offset() == 0) {
            // Nothing was acknowledged, so nothing is lost: a store need not make a staged write durable before
            // its first durable append (an object store writes nothing until then). Continue on a new one.
            StagedBlob fresh = blobs.stage();
            UploadRecord moved = new UploadRecord(record.id(), record.repository(), fresh.id(), record.algorithm(), 0,
                    record.created(), record.updated());
            try {
                meta.putUpload(moved);
            } catch (RuntimeException e) {
                BlobPublisher.discardQuietly(fresh, e);
                throw e;
            }
            return new Session(moved, fresh, record.algorithm().newMessageDigest());
        }
        // Staged bytes lost: the session cannot continue.
        staged.ifPresent(st -> BlobPublisher.discardQuietly(st, null));
        meta.deleteUpload(id);
        return null;
    }

    private void appendLocked(Session s, UploadChunk chunk, boolean durable, Caller caller, Optional<Digest> digest) {
        long start = s.record.offset();
        OptionalLong expected = expectedLength(chunk.contentLength(), chunk.contentRange(), start);
        checkQuota(s, caller, digest, expected);
        MessageDigest hasher = hasher(s);
        MessageDigest before = cloneOf(hasher);
        try {
            long n = BlobPublisher.receive(s.staged, chunk.body(), hasher, expected, durable);
            quotas.checkBytes(caller, s.record.repository(), digest, start + n);
            advance(s, start + n, durable); // a PATCH acknowledges its chunk; a closing PUT's counts once published
        } catch (RuntimeException e) {
            restore(s, start, before, e);
            throw e;
        }
    }

    /**
     * Refuses a chunk for a session whose bytes a refused close already stored (its staged write is gone): only
     * closing it again, or cancelling it, can follow.
     */
    private static void refuseChunkAfterPublish(Session s) {
        if (s.published != null) {
            throw Errors.uploadAlreadyStored(s.record.id());
        }
    }

    /**
     * Refuses a chunk whose declared length would take the session past a byte quota of its repository, before
     * any of it is read; the session stays as it was. A chunk of unknown length is checked once received, before
     * it is acknowledged.
     */
    private void checkQuota(Session s, Caller caller, Optional<Digest> digest, OptionalLong chunkLength) {
        if (chunkLength.isPresent()) {
            quotas.checkBytes(caller, s.record.repository(), digest, s.record.offset() + chunkLength.getAsLong());
        }
    }

    /** Moves the session to {@code offset} bytes, recording it (acknowledging them) if {@code durable}. */
    private void advance(Session s, long offset, boolean durable) {
        UploadRecord advanced = s.record.advancedTo(offset, clock.instant());
        if (durable) {
            meta.putUpload(advanced);
        }
        s.record = advanced;
    }

    /** Puts a session back to {@code start} acknowledged bytes after a failed chunk, recording failures on {@code primary}. */
    private static void restore(Session s, long start, MessageDigest before, Throwable primary) {
        try {
            s.staged.truncate(start);
            s.hasher = before;
        } catch (RuntimeException rollback) {
            if (primary != null) {
                primary.addSuppressed(rollback);
            }
            s.hasher = null;
        }
    }

    /** Checks a chunk's declared range and length against the session; returns the length to expect. */
    private static OptionalLong expectedLength(OptionalLong contentLength, Optional<ByteRange> contentRange,
                                               long offset) {
        if (contentRange.isEmpty()) {
            return contentLength;
        }
        ByteRange range = contentRange.get();
        if (range.first() != offset) {
            throw Errors.chunkOutOfOrder(range.first(), offset);
        }
        if (contentLength.isPresent() && contentLength.getAsLong() != range.length()) {
            throw Errors.contentRangeLength(range.first(), range.last(), contentLength.getAsLong());
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

    /**
     * A chunk pushed piece by piece into a locked session. The session stays locked until the sink is finished
     * or aborted; a failure anywhere rolls the session back to {@code start} and releases it.
     */
    private final class ChunkSink<T> extends StagingSink<T> {
        private final Session s;
        private final long start;
        private final MessageDigest before;
        private final Function<Session, T> completion;
        private final boolean durable;
        private final Optional<Digest> digest;
        private final Caller caller;

        ChunkSink(Session s, OptionalLong expected, boolean durable, Caller caller, Optional<Digest> digest,
                  Function<Session, T> completion) {
            this(s, expected, durable, caller, digest, completion, s.published != null ? null : hasher(s));
        }

        private ChunkSink(Session s, OptionalLong expected, boolean durable, Caller caller, Optional<Digest> digest,
                          Function<Session, T> completion, MessageDigest hasher) {
            // A session whose bytes a failed close already published takes a retried close's body unread.
            super(hasher == null ? DISCARDING : s.staged.writer(),
                    hasher == null ? DigestAlgorithm.SHA256.newMessageDigest() : hasher, expected, durable);
            this.durable = durable;
            this.digest = digest;
            this.caller = caller;
            this.s = s;
            this.start = s.record.offset();
            this.before = hasher == null ? null : cloneOf(hasher);
            this.completion = completion;
        }

        @Override
        protected T complete(long count) {
            try {
                try {
                    if (count > 0 && s.published == null) {
                        quotas.checkBytes(caller, s.record.repository(), digest, start + count);
                        advance(s, start + count, durable);
                    }
                } catch (RuntimeException e) {
                    restore(s, start, before, e);
                    throw e;
                }
                return completion.apply(s);
            } finally {
                s.lock.release();
            }
        }

        @Override
        protected void rollback(Throwable primary) {
            try {
                if (s.published == null) {
                    restore(s, start, before, primary);
                }
            } finally {
                s.lock.release();
            }
        }
    }
}
