package dev.wharf.core;

import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.EventPage;
import dev.wharf.api.EventSinkStatus;
import dev.wharf.api.GcReport;
import dev.wharf.api.GcRuns;
import dev.wharf.api.Manifest;
import dev.wharf.api.ManifestPushed;
import dev.wharf.api.Page;
import dev.wharf.api.Precondition;
import dev.wharf.api.Reference;
import dev.wharf.api.ReferrersQuery;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.QuotaStatus;
import dev.wharf.api.UsageDifference;
import dev.wharf.core.internal.ContentPolicy;
import dev.wharf.core.internal.Quotas;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchPage;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadSink;
import dev.wharf.api.UploadStart;
import dev.wharf.api.UploadStatus;
import dev.wharf.core.internal.Access;
import dev.wharf.core.internal.BlobIngest;
import dev.wharf.core.internal.BlobPublisher;
import dev.wharf.core.internal.Blobs;
import dev.wharf.core.internal.Catalog;
import dev.wharf.core.internal.Search;
import dev.wharf.core.internal.Durability;
import dev.wharf.core.internal.EventDelivery;
import dev.wharf.core.internal.EventFeed;
import dev.wharf.core.internal.Events;
import dev.wharf.core.internal.GarbageCollector;
import dev.wharf.core.internal.Maintenance;
import dev.wharf.core.internal.Manifests;
import dev.wharf.core.internal.Mirror;
import dev.wharf.core.internal.Referrers;
import dev.wharf.core.internal.StripedLocks;
import dev.wharf.core.internal.Tags;
import dev.wharf.core.internal.UploadSessions;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine behind {@link Registry}: wires the stores to the per-resource parts (blobs, upload sessions,
 * blob ingest, manifests, tags, referrers, catalog, garbage collection) and delegates each operation to its
 * part, making every change durable before it returns. Built by {@link dev.wharf.api.RegistryBuilder#build()};
 * holds no global state.
 */
public final class DefaultRegistry implements Registry {
    /** Digest locks guard "link existing bytes" against garbage collection; contention is rare. */
    private static final int BLOB_LOCK_STRIPES = 256;
    /** Repository locks serialise one repository's manifest and tag changes. */
    private static final int REPOSITORY_LOCK_STRIPES = 64;

    private final RegistryConfig config;
    private final BlobStore blobStore;
    private final MetadataStore metadataStore;
    private final Durability durable;
    private final UploadSessions uploads;
    private final BlobIngest ingest;
    private final Blobs blobs;
    private final Manifests manifests;
    private final Tags tags;
    private final Referrers referrers;
    private final Catalog catalog;
    private final Search search;
    private final GarbageCollector gc;
    private final Maintenance maintenance;
    private final Mirror mirror;
    private final EventFeed eventFeed;
    private final EventDelivery delivery;
    private final Quotas quotas;
    private final Events events;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Garbage collections finished and failed since opening, and the last report. */
    private final java.util.concurrent.atomic.AtomicReference<GcRuns> gcRuns =
            new java.util.concurrent.atomic.AtomicReference<>(new GcRuns(0, 0, Optional.empty()));

    /** A registry over the configured stores, or in-memory ones where none is configured. */
    public DefaultRegistry(RegistryConfig config) {
        this.config = config;
        this.blobStore = config.blobStore().orElseGet(InMemoryBlobStore::new);
        this.metadataStore = config.metadataStore().orElseGet(InMemoryMetadataStore::new);
        this.durable = new Durability(metadataStore);
        Access access = new Access(config.authorizer());
        this.events = new Events(config.listeners(), metadataStore.eventLog(), config.clock());
        // On a store several nodes share, these locks hold across the nodes too.
        StripedLocks repoLocks = new StripedLocks(REPOSITORY_LOCK_STRIPES, metadataStore.coordination(), "repository");
        this.quotas = new Quotas(config.quotaPolicy(), config.quotaRefusalCode(), metadataStore, blobStore, access);
        quotas.start();
        BlobPublisher publisher = new BlobPublisher(blobStore, metadataStore,
                new StripedLocks(BLOB_LOCK_STRIPES, metadataStore.coordination(), "digest"), events, quotas);
        this.uploads = new UploadSessions(blobStore, metadataStore, publisher, access, events, config.clock(),
                config.uploadExpiry(), quotas);
        this.ingest = new BlobIngest(blobStore, metadataStore, publisher, uploads, access, events, quotas);
        this.blobs = new Blobs(blobStore, metadataStore, access, events, config.deletesEnabled());
        this.tags = new Tags(metadataStore, access, events, config, repoLocks);
        this.manifests = new Manifests(metadataStore, tags, access, events, config, repoLocks, quotas,
                new ContentPolicy(config.contentRules()));
        this.referrers = new Referrers(metadataStore, access);
        this.catalog = new Catalog(metadataStore, access);
        this.search = new Search(metadataStore, access, config.maxPageSize());
        this.mirror = new Mirror(config, metadataStore, blobStore, publisher, manifests, access, durable);
        this.eventFeed = new EventFeed(metadataStore.eventLog(), access);
        this.delivery = new EventDelivery(metadataStore.eventLog(), config.webhooks(), config.clock(), "/wharf");
        events.onRecorded(delivery::wake);
        this.gc = new GarbageCollector(blobStore, metadataStore, uploads, publisher, manifests, events, repoLocks,
                config, mirror);
        this.maintenance = new Maintenance(config, this::expireIdleUploads, this::collectGarbage);
        delivery.start();
    }

    /** Closes upload sessions idle for longer than the configured expiry; returns how many. */
    public int expireIdleUploads() {
        return durable.of(uploads::expireIdle);
    }

    @Override
    public RegistryConfig config() {
        return config;
    }

    @Override
    public RepositoryName route(RepositoryName name, Optional<String> namespace) {
        return mirror.route(name, namespace);
    }

    @Override
    public Optional<BlobInfo> statBlob(Caller caller, RepositoryName repository, Digest digest) {
        Optional<Mirror.Mirrored> mirrored = mirror.mirrored(repository);
        if (mirrored.isPresent()) {
            return mirror.statBlob(caller, repository, digest, mirrored.get());
        }
        return blobs.stat(caller, repository, digest);
    }

    @Override
    public BlobContent readBlob(Caller caller, RepositoryName repository, Digest digest, Optional<ByteRange> range) {
        Optional<Mirror.Mirrored> mirrored = mirror.mirrored(repository);
        if (mirrored.isPresent()) {
            Optional<BlobContent> fetching = mirror.readBlob(caller, repository, digest, range, mirrored.get());
            if (fetching.isPresent()) {
                return fetching.get();
            }
        }
        return blobs.read(caller, repository, digest, range);
    }

    @Override
    public void deleteBlob(Caller caller, RepositoryName repository, Digest digest) {
        mirror.refuseWrites(repository);
        durable.run(() -> blobs.delete(caller, repository, digest));
    }

    @Override
    public UploadStart startUpload(Caller caller, RepositoryName repository, Optional<DigestAlgorithm> algorithm) {
        mirror.refuseWrites(repository);
        // Not waiting for the session to be durable: it holds no bytes yet, a process crash keeps it anyway,
        // and its first acknowledged chunk (or the closing PUT) syncs it along with that chunk.
        return UploadStart.session(durable.withoutSync(() -> uploads.start(caller, repository, algorithm)));
    }

    /** The minimum of the blob store actually in use (the in-memory default has none). */
    @Override
    public OptionalLong minimumChunkSize() {
        return blobStore.minimumChunkSize();
    }

    @Override
    public OptionalLong openUploadSessions() {
        return OptionalLong.of(metadataStore.uploads().size());
    }

    @Override
    public UploadStart mount(Caller caller, RepositoryName repository, Digest digest, Optional<RepositoryName> from) {
        mirror.refuseWrites(repository);
        return events.reportingRefusals(caller, repository,
                () -> durable.of(() -> ingest.mount(caller, repository, digest, from)));
    }

    @Override
    public UploadStart pushBlob(Caller caller, RepositoryName repository, Digest digest, UploadChunk body) {
        mirror.refuseWrites(repository);
        return events.reportingRefusals(caller, repository,
                () -> durable.of(() -> ingest.push(caller, repository, digest, body)));
    }

    @Override
    public UploadStatus uploadStatus(Caller caller, RepositoryName repository, String uploadId) {
        // A read: not waiting for durability, so that it cannot fail on this thread's earlier unsynced writes
        // (an opened session's). What it may write itself (closing an expired session, dropping one whose
        // bytes are lost) is done again if a crash forgets it.
        return durable.withoutSync(() -> uploads.status(caller, repository, uploadId));
    }

    @Override
    public UploadStatus appendUpload(Caller caller, RepositoryName repository, String uploadId, UploadChunk chunk) {
        return events.reportingRefusals(caller, repository,
                () -> durable.of(() -> uploads.append(caller, repository, uploadId, chunk)));
    }

    @Override
    public BlobInfo completeUpload(Caller caller, RepositoryName repository, String uploadId, Digest digest,
                                   UploadChunk finalChunk) {
        return events.reportingRefusals(caller, repository,
                () -> durable.of(() -> uploads.complete(caller, repository, uploadId, digest, finalChunk)));
    }

    @Override
    public UploadSink<UploadStart> openBlobPush(Caller caller, RepositoryName repository, Digest digest,
                                                OptionalLong contentLength) {
        mirror.refuseWrites(repository);
        return events.reportingRefusalsOf(caller, repository,
                () -> durable.of(durable.withoutSync(() -> ingest.openPush(caller, repository, digest, contentLength))));
    }

    @Override
    public UploadSink<UploadStatus> openUploadAppend(Caller caller, RepositoryName repository, String uploadId,
                                                     OptionalLong contentLength, Optional<ByteRange> contentRange) {
        return events.reportingRefusalsOf(caller, repository, () -> durable.of(durable.withoutSync(
                () -> uploads.openAppend(caller, repository, uploadId, contentLength, contentRange))));
    }

    @Override
    public UploadSink<BlobInfo> openUploadComplete(Caller caller, RepositoryName repository, String uploadId,
                                                   Digest digest, OptionalLong contentLength,
                                                   Optional<ByteRange> contentRange) {
        return events.reportingRefusalsOf(caller, repository, () -> durable.of(durable.withoutSync(
                () -> uploads.openComplete(caller, repository, uploadId, digest, contentLength, contentRange))));
    }

    @Override
    public void cancelUpload(Caller caller, RepositoryName repository, String uploadId) {
        durable.run(() -> uploads.cancel(caller, repository, uploadId));
    }

    @Override
    public Manifest manifest(Caller caller, RepositoryName repository, Reference reference) {
        Optional<Mirror.Mirrored> mirrored = mirror.mirrored(repository);
        if (mirrored.isPresent()) {
            return mirror.manifest(caller, repository, reference, mirrored.get());
        }
        return manifests.get(caller, repository, reference);
    }

    @Override
    public ManifestPushed pushManifest(Caller caller, RepositoryName repository, Reference reference,
                                       String contentType, byte[] bytes, List<Tag> extraTags, Precondition condition) {
        mirror.refuseWrites(repository);
        return events.reportingRefusals(caller, repository, () -> durable.of(
                () -> manifests.push(caller, repository, reference, contentType, bytes, extraTags, condition)));
    }

    @Override
    public void deleteManifest(Caller caller, RepositoryName repository, Reference reference) {
        mirror.refuseWrites(repository);
        if (reference instanceof Tag tag) {
            durable.run(() -> tags.delete(caller, repository, tag));
        } else {
            durable.run(() -> manifests.delete(caller, repository, (Digest) reference));
        }
    }

    @Override
    public Page<Tag> tags(Caller caller, RepositoryName repository, Optional<String> last, int limit) {
        return tags.list(caller, repository, last, Math.min(limit, config.maxPageSize()));
    }

    @Override
    public List<TagMove> tagHistory(Caller caller, RepositoryName repository, Tag tag) {
        return tags.history(caller, repository, tag);
    }

    @Override
    public ReferrersQuery referrers(Caller caller, RepositoryName repository, Digest subject,
                                    Optional<String> artifactType, Optional<Digest> last, int limit) {
        int n = Math.min(limit, config.maxPageSize());
        Optional<Mirror.Mirrored> mirrored = mirror.mirrored(repository);
        if (mirrored.isPresent()) {
            return mirror.referrers(caller, repository, subject, artifactType, last, n, mirrored.get(),
                    () -> referrers.list(caller, repository, subject, artifactType, last, n));
        }
        return referrers.list(caller, repository, subject, artifactType, last, n);
    }

    @Override
    public Page<RepositoryName> catalog(Caller caller, Optional<String> last, int limit) {
        return catalog.list(caller, last, Math.min(limit, config.maxPageSize()));
    }

    @Override
    public SearchPage search(Caller caller, SearchQuery query) {
        return search.search(caller, query);
    }

    @Override
    public EventPage events(Caller caller, long after, int limit) {
        return eventFeed.page(caller, after, Math.min(limit, config.maxPageSize()));
    }

    @Override
    public List<EventSinkStatus> eventSinks() {
        return delivery.status();
    }

    @Override
    public Optional<QuotaStatus> usage(Caller caller, String scope) {
        return quotas.usage(caller, scope);
    }

    @Override
    public List<QuotaStatus> usageOf(Caller caller, RepositoryName repository) {
        return quotas.usageOf(caller, repository);
    }

    @Override
    public List<UsageDifference> verifyUsage(boolean repair) {
        return quotas.verify(repair);
    }

    @Override
    public GcReport collectGarbage() {
        GcReport report;
        try {
            report = durable.of(gc::run);
            durable.run(() -> eventFeed.trim(config.clock().instant().minus(config.eventRetention())));
        } catch (RuntimeException | Error e) {
            gcRuns.updateAndGet(runs -> new GcRuns(runs.completed(), runs.failed() + 1, runs.last()));
            throw e;
        }
        gcRuns.updateAndGet(runs -> new GcRuns(runs.completed() + 1, runs.failed(), Optional.of(report)));
        return report;
    }

    @Override
    public Optional<GcRuns> garbageCollections() {
        return Optional.of(gcRuns.get());
    }

    /** Stops maintenance, then closes the metadata store and the blob store (both, even if one fails). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.close();
        delivery.close();
        mirror.close();
        RuntimeException failure = null;
        try {
            metadataStore.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            blobStore.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
