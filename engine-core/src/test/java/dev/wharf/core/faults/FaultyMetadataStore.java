package dev.wharf.core.faults;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ForwardingMetadataStore;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.UploadRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A {@link MetadataStore} whose device can be made full, failing or slow while the registry runs, per kind of
 * operation: {@code store.inject(StorageFault.full(), Operation.WRITES)}, then {@code store.clear()}.
 *
 * <p>A failing write fails before it reaches the wrapped store, which is what the SPI's contract makes of any
 * failed write: each mutating call is atomic, so none of it happened. A {@link Operation#SYNC} fault strikes
 * only a thread that has written since its last sync, as a real store's group commit has nothing to flush
 * (and nothing to fail) otherwise.
 */
public final class FaultyMetadataStore extends ForwardingMetadataStore {

    /** The kinds of call a fault can be aimed at. */
    public enum Operation {
        /** Every read: existence checks, lookups, listings, visits. */
        READ,
        LINK_BLOB,
        UNLINK_BLOB,
        PUT_MANIFEST,
        DELETE_MANIFEST,
        DELETE_TAG,
        PUT_UPLOAD,
        DELETE_UPLOAD,
        /** Waiting for this thread's writes to be durable. */
        SYNC;

        /** Every call that changes the store, and the sync that makes the changes durable. */
        public static final Set<Operation> WRITES = EnumSet.range(LINK_BLOB, SYNC);
    }

    private final FaultSwitch<Operation> faults = new FaultSwitch<>();
    /** Whether this thread has written since its last sync. */
    private final ThreadLocal<Boolean> unsynced = ThreadLocal.withInitial(() -> false);

    /** The wrapped store, healthy until a fault is injected. */
    public FaultyMetadataStore(MetadataStore delegate) {
        super(delegate);
    }

    /** The wrapped store itself, for checking what is really stored, past any fault. */
    public MetadataStore stored() {
        return delegate();
    }

    /** From now on, {@code operations} meet {@code fault}; returns this store. */
    public FaultyMetadataStore inject(StorageFault fault, Set<Operation> operations) {
        faults.inject(fault, operations);
        return this;
    }

    /** From now on, {@code first} and {@code rest} meet {@code fault}; returns this store. */
    public FaultyMetadataStore inject(StorageFault fault, Operation first, Operation... rest) {
        return inject(fault, EnumSet.of(first, rest));
    }

    /** The device is healthy again (and the count of {@link #strikes()} starts over). */
    public void clear() {
        faults.clear();
    }

    /** Calls that have met a fault since the last injection or {@link #clear()}. */
    public int strikes() {
        return faults.strikes();
    }

    /** Waits until {@code count} calls have met a fault since the last injection; false on timeout. */
    public boolean awaitStrikes(int count, Duration timeout) throws InterruptedException {
        return faults.awaitStrikes(count, timeout);
    }

    private <T> T read(Supplier<T> call) {
        faults.before(Operation.READ);
        return call.get();
    }

    private <T> T write(Operation operation, Supplier<T> call) {
        faults.before(operation);
        T result = call.get();
        unsynced.set(true);
        return result;
    }

    // ---- reads ----

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return read(() -> super.repositoryExists(repository));
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return read(() -> super.repositories(after, limit));
    }

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        return read(() -> super.isBlobLinked(repository, digest));
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return read(() -> super.repositoriesLinking(digest, after, limit));
    }

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        read(() -> {
            super.forEachLink(visitor);
            return null;
        });
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return read(() -> super.manifest(repository, digest));
    }

    @Override
    public Optional<Manifest> manifestContent(RepositoryName repository, Digest digest) {
        return read(() -> super.manifestContent(repository, digest));
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return read(() -> super.referrers(repository, subject, after, limit));
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        read(() -> {
            super.forEachManifest(visitor);
            return null;
        });
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return read(() -> super.resolveTag(repository, tag));
    }

    @Override
    public Optional<Manifest> taggedManifestContent(RepositoryName repository, Tag tag) {
        return read(() -> super.taggedManifestContent(repository, tag));
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return read(() -> super.tags(repository, after, limit));
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return read(() -> super.tagsOf(repository, digest, limit));
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return read(() -> super.tagHistory(repository, tag));
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return read(() -> super.upload(id));
    }

    @Override
    public List<UploadRecord> uploads() {
        return read(super::uploads);
    }

    // ---- writes ----

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents events) {
        write(Operation.LINK_BLOB, () -> {
            super.linkBlob(repository, digest, size, events);
            return null;
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents events) {
        return write(Operation.UNLINK_BLOB, () -> super.unlinkBlob(repository, digest, events));
    }

    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                               PendingEvents events) {
        return write(Operation.PUT_MANIFEST, () -> super.putManifest(repository, manifest, moves, events));
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents events) {
        return write(Operation.DELETE_MANIFEST, () -> super.deleteManifest(repository, digest, at, events));
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents events) {
        return write(Operation.DELETE_TAG, () -> super.deleteTag(repository, tag, at, events));
    }

    @Override
    public void putUpload(UploadRecord upload) {
        write(Operation.PUT_UPLOAD, () -> {
            super.putUpload(upload);
            return null;
        });
    }

    @Override
    public boolean deleteUpload(String id) {
        return write(Operation.DELETE_UPLOAD, () -> super.deleteUpload(id));
    }

    @Override
    public void sync() {
        if (unsynced.get()) {
            unsynced.set(false);
            faults.before(Operation.SYNC);
        }
        super.sync();
    }
}
