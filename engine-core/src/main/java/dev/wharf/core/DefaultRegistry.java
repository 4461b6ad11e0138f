package dev.wharf.core;

import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.GcReport;
import dev.wharf.api.Manifest;
import dev.wharf.api.ManifestPushed;
import dev.wharf.api.Page;
import dev.wharf.api.Precondition;
import dev.wharf.api.Reference;
import dev.wharf.api.ReferrersQuery;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStart;
import dev.wharf.api.UploadStatus;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine behind {@link Registry}: wires the stores to the per-resource operations ({@link Blobs},
 * {@link Uploads}, {@link Manifests}) and runs the background maintenance (expiring idle uploads).
 * Built by {@link dev.wharf.api.RegistryBuilder#build()}; holds no global state.
 */
public final class DefaultRegistry implements Registry {
    private static final Logger LOG = Logger.getLogger(DefaultRegistry.class.getName());
    /** Digest locks guard "link existing bytes" against garbage collection; contention is rare. */
    private static final int BLOB_LOCK_STRIPES = 256;

    private final RegistryConfig config;
    private final BlobStore blobStore;
    private final MetadataStore metadataStore;
    private final Uploads uploads;
    private final Blobs blobs;
    private final Manifests manifests;
    private final GarbageCollector gc;
    private final ScheduledExecutorService maintenance;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A registry over the configured stores, or in-memory ones where none is configured. */
    public DefaultRegistry(RegistryConfig config) {
        this.config = config;
        this.blobStore = config.blobStore().orElseGet(InMemoryBlobStore::new);
        this.metadataStore = config.metadataStore().orElseGet(InMemoryMetadataStore::new);
        Access access = new Access(config.authorizer());
        Events events = new Events(config.listeners(), config.clock());
        StripedLocks blobLocks = new StripedLocks(BLOB_LOCK_STRIPES);
        this.uploads = new Uploads(blobStore, metadataStore, access, events, config.clock(), config.uploadExpiry(),
                blobLocks);
        this.blobs = new Blobs(blobStore, metadataStore, access, events, uploads, config.deletesEnabled(), blobLocks);
        this.manifests = new Manifests(metadataStore, access, events, config);
        this.gc = new GarbageCollector(blobStore, metadataStore, uploads, blobLocks, manifests.repoLocks(), config);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-maintenance");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(config.uploadExpiry().toSeconds() / 4, Duration.ofMinutes(5).toSeconds()));
        maintenance.scheduleWithFixedDelay(this::runMaintenance, period, period, TimeUnit.SECONDS);
        long gcMillis = config.gc().interval().toMillis();
        if (gcMillis > 0) {
            maintenance.scheduleWithFixedDelay(this::runScheduledGc, gcMillis, gcMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void runScheduledGc() {
        try {
            GcReport report = durable(gc::run);
            if (report.blobsDeleted() + report.manifestsDeleted() > 0) {
                LOG.info(() -> "garbage collection: " + report);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "garbage collection failed; will retry", e);
        }
    }

    private void runMaintenance() {
        try {
            expireIdleUploads();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upload expiry failed; will retry", e);
        }
    }

    /** Closes upload sessions idle for longer than the configured expiry; returns how many. */
    public int expireIdleUploads() {
        return durable(uploads::expireIdle);
    }

    /**
     * Runs a change and then waits until the metadata it wrote is durable, after the operation has released
     * its locks (so concurrent changes share one flush). Every mutating method goes through here, except
     * opening an empty upload session (see {@link #startUpload}).
     */
    private <T> T durable(java.util.function.Supplier<T> change) {
        T result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            try {
                metadataStore.sync(); // whatever the failed change did write (e.g. a cancelled session)
            } catch (RuntimeException syncFailure) {
                e.addSuppressed(syncFailure);
            }
            throw e;
        }
        metadataStore.sync();
        return result;
    }

    static RegistryException nameUnknown(RepositoryName repo) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "repository '" + repo + "' is not known to this registry",
                Map.of("name", repo.value()));
    }

    static RegistryException deletesDisabled() {
        return new RegistryException(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
    }

    @Override
    public RegistryConfig config() {
        return config;
    }

    @Override
    public Optional<BlobInfo> statBlob(Caller caller, RepositoryName repository, Digest digest) {
        return blobs.stat(caller, repository, digest);
    }

    @Override
    public BlobContent readBlob(Caller caller, RepositoryName repository, Digest digest, Optional<ByteRange> range) {
        return blobs.read(caller, repository, digest, range);
    }

    @Override
    public void deleteBlob(Caller caller, RepositoryName repository, Digest digest) {
        durable(() -> {
            blobs.delete(caller, repository, digest);
            return null;
        });
    }

    @Override
    public UploadStart startUpload(Caller caller, RepositoryName repository, Optional<DigestAlgorithm> algorithm) {
        // Not waiting for the session to be durable: it holds no bytes yet, a process crash keeps it anyway,
        // and its first acknowledged chunk (or the closing PUT) syncs it along with that chunk.
        return UploadStart.session(uploads.start(caller, repository, algorithm));
    }

    @Override
    public UploadStart mount(Caller caller, RepositoryName repository, Digest digest, Optional<RepositoryName> from) {
        return durable(() -> blobs.mount(caller, repository, digest, from));
    }

    @Override
    public UploadStart pushBlob(Caller caller, RepositoryName repository, Digest digest, UploadChunk body) {
        return durable(() -> blobs.push(caller, repository, digest, body));
    }

    @Override
    public UploadStatus uploadStatus(Caller caller, RepositoryName repository, String uploadId) {
        return durable(() -> uploads.status(caller, repository, uploadId));
    }

    @Override
    public UploadStatus appendUpload(Caller caller, RepositoryName repository, String uploadId, UploadChunk chunk) {
        return durable(() -> uploads.append(caller, repository, uploadId, chunk));
    }

    @Override
    public BlobInfo completeUpload(Caller caller, RepositoryName repository, String uploadId, Digest digest,
                                   UploadChunk finalChunk) {
        return durable(() -> uploads.complete(caller, repository, uploadId, digest, finalChunk));
    }

    @Override
    public void cancelUpload(Caller caller, RepositoryName repository, String uploadId) {
        durable(() -> {
            uploads.cancel(caller, repository, uploadId);
            return null;
        });
    }

    @Override
    public Manifest manifest(Caller caller, RepositoryName repository, Reference reference) {
        return manifests.get(caller, repository, reference);
    }

    @Override
    public ManifestPushed pushManifest(Caller caller, RepositoryName repository, Reference reference,
                                       String contentType, byte[] bytes, List<Tag> extraTags, Precondition condition) {
        return durable(() -> manifests.push(caller, repository, reference, contentType, bytes, extraTags, condition));
    }

    @Override
    public void deleteManifest(Caller caller, RepositoryName repository, Reference reference) {
        durable(() -> {
            manifests.delete(caller, repository, reference);
            return null;
        });
    }

    @Override
    public Page<Tag> tags(Caller caller, RepositoryName repository, Optional<String> last, int limit) {
        return manifests.tags(caller, repository, last, Math.min(limit, config.maxPageSize()));
    }

    @Override
    public List<TagMove> tagHistory(Caller caller, RepositoryName repository, Tag tag) {
        return manifests.history(caller, repository, tag);
    }

    @Override
    public GcReport collectGarbage() {
        return durable(gc::run);
    }

    @Override
    public ReferrersQuery referrers(Caller caller, RepositoryName repository, Digest subject,
                                    Optional<String> artifactType) {
        return manifests.referrers(caller, repository, subject, artifactType);
    }

    @Override
    public Page<RepositoryName> catalog(Caller caller, Optional<String> last, int limit) {
        return manifests.catalog(caller, last, Math.min(limit, config.maxPageSize()));
    }

    /** Stops maintenance, then closes the metadata store and the blob store (both, even if one fails). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.shutdownNow();
        RuntimeException failure = null;
        try {
            metadataStore.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            blobStore.close();
        } catch (Exception e) {
            RuntimeException wrapped = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            if (failure == null) {
                failure = wrapped;
            } else {
                failure.addSuppressed(wrapped);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
