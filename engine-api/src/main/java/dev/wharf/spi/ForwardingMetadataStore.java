package dev.wharf.spi;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A {@link MetadataStore} that forwards every call, of every role and including the ones with a default
 * ({@link #manifestContent}, {@link #sync()}), to another: the base of a decorator that changes one thing
 * (counts writes, injects faults, times calls, adds a cache in front of reads) and passes the rest through.
 * Subclasses override what they change.
 *
 * <p>Forwarding the defaulted methods matters: a delegate that overrides {@code manifestContent} to skip
 * decoding, or {@code sync} to wait for its group commit, keeps doing so behind the decorator. Each mutating
 * method has a short form (without {@link PendingEvents}) and a full form; the engine calls the full forms, so a
 * decorator that intercepts writes overrides those (and the short forms too if other code calls them).
 */
public abstract class ForwardingMetadataStore implements MetadataStore {
    private final MetadataStore delegate;

    /** A store forwarding to {@code delegate}, which it closes when closed. */
    protected ForwardingMetadataStore(MetadataStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected MetadataStore delegate() {
        return delegate;
    }

    // ---- RepositoryLinks ----

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return delegate.repositoryExists(repository);
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return delegate.repositories(after, limit);
    }

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        return delegate.isBlobLinked(repository, digest);
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest) {
        delegate.linkBlob(repository, digest);
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return delegate.unlinkBlob(repository, digest);
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents events) {
        delegate.linkBlob(repository, digest, size, events);
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents events) {
        return delegate.unlinkBlob(repository, digest, events);
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return delegate.repositoriesLinking(digest, after, limit);
    }

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        delegate.forEachLink(visitor);
    }

    // ---- ManifestStore ----

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return delegate.manifest(repository, digest);
    }

    @Override
    public Optional<Manifest> manifestContent(RepositoryName repository, Digest digest) {
        return delegate.manifestContent(repository, digest);
    }

    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves) {
        return delegate.putManifest(repository, manifest, moves);
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at) {
        return delegate.deleteManifest(repository, digest, at);
    }

    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                               PendingEvents events) {
        return delegate.putManifest(repository, manifest, moves, events);
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents events) {
        return delegate.deleteManifest(repository, digest, at, events);
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return delegate.referrers(repository, subject, after, limit);
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        delegate.forEachManifest(visitor);
    }

    // ---- TagStore ----

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return delegate.resolveTag(repository, tag);
    }

    @Override
    public Optional<Manifest> taggedManifestContent(RepositoryName repository, Tag tag) {
        return delegate.taggedManifestContent(repository, tag);
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return delegate.tags(repository, after, limit);
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at) {
        return delegate.deleteTag(repository, tag, at);
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents events) {
        return delegate.deleteTag(repository, tag, at, events);
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return delegate.tagsOf(repository, digest, limit);
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return delegate.tagHistory(repository, tag);
    }

    // ---- UploadSessionStore ----

    @Override
    public void putUpload(UploadRecord upload) {
        delegate.putUpload(upload);
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return delegate.upload(id);
    }

    @Override
    public boolean deleteUpload(String id) {
        return delegate.deleteUpload(id);
    }

    @Override
    public List<UploadRecord> uploads() {
        return delegate.uploads();
    }

    // ---- MetadataStore ----

    @Override
    public java.util.Optional<EventLog> eventLog() {
        return delegate.eventLog();
    }

    @Override
    public java.util.Optional<UsageLedger> usageLedger() {
        return delegate.usageLedger();
    }

    @Override
    public java.util.Optional<SearchIndex> searchIndex() {
        return delegate.searchIndex();
    }

    @Override
    public java.util.Optional<Coordination> coordination() {
        return delegate.coordination();
    }

    @Override
    public void sync() {
        delegate.sync();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
