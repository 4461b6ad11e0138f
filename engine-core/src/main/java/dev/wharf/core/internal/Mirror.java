package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.Reference;
import dev.wharf.api.ReferrersQuery;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.Upstream;
import dev.wharf.core.mirror.HttpUpstreamClient;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.UpstreamClient;
import dev.wharf.spi.UpstreamClient.FetchedBlob;
import dev.wharf.spi.UpstreamClient.FetchedManifest;
import dev.wharf.spi.UpstreamException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Pull-through mirroring ({@link Upstream}): a pull of a repository under an upstream's prefix that misses here
 * is fetched from the upstream, verified against its digest, stored through the normal stores (so it is
 * de-duplicated with everything else and written atomically), and served.
 *
 * <ul>
 *   <li><b>Manifests by digest</b> are immutable: fetched once, never asked for again.</li>
 *   <li><b>Tags</b> are served from here for {@link Upstream#tagRecheck()} after they were last confirmed; then
 *       the upstream is asked where the tag points ({@code HEAD}) and the manifest fetched only if it moved.
 *       When the upstream cannot answer (unreachable, rate-limiting, failing), the last known manifest is served
 *       with a warning.</li>
 *   <li><b>Blobs</b> are streamed to the client while they are stored: the bytes pass through a staged write
 *       and are hashed on the way. The whole is checked against its digest when the last byte arrives, before
 *       that byte is handed on: a client is cut off short of the end of corrupt content, which is never stored;
 *       matching content is published as the stream ends. A blob already stored for another repository is only confirmed upstream ({@code HEAD}) and
 *       linked.</li>
 *   <li>Concurrent pulls of the same missing manifest or blob make one upstream request; the others wait for it
 *       and are served from what it stored.</li>
 * </ul>
 * Mirrored repositories are read-only for clients ({@link #refuseWrites}).
 */
public final class Mirror implements AutoCloseable {
    /** How long a pull waits for another pull's fetch of the same blob before giving up. */
    private static final Duration FOLLOWER_WAIT = Duration.ofMinutes(10);

    private final Map<String, Source> byPrefix = new LinkedHashMap<>();
    private final Map<String, Source> byHost = new LinkedHashMap<>();
    private final Optional<Source> defaultSource;
    private final MetadataStore meta;
    private final BlobStore blobs;
    private final BlobPublisher publisher;
    private final Manifests manifests;
    private final Access access;
    private final Durability durable;
    private final java.time.Clock clock;
    private final Map<String, CompletableFuture<Manifest>> manifestFetches = new ConcurrentHashMap<>();
    private final Map<Digest, CompletableFuture<BlobInfo>> blobFetches = new ConcurrentHashMap<>();
    /** When each mirrored manifest ({@code repo@digest}) was last pulled, since this registry started. */
    private final Map<String, Instant> lastPulled = new ConcurrentHashMap<>();

    public Mirror(RegistryConfig config, MetadataStore meta, BlobStore blobs, BlobPublisher publisher,
                  Manifests manifests, Access access, Durability durable) {
        this.meta = meta;
        this.blobs = blobs;
        this.publisher = publisher;
        this.manifests = manifests;
        this.access = access;
        this.durable = durable;
        this.clock = config.clock();
        for (Upstream upstream : config.upstreams()) {
            UpstreamClient client = upstream.client().orElseGet(
                    () -> new HttpUpstreamClient(upstream, config.maxManifestBytes(), config.clock()));
            Source source = new Source(upstream, client);
            byPrefix.put(upstream.prefix(), source);
            byHost.put(upstream.host(), source);
        }
        this.defaultSource = config.defaultUpstream().map(byHost::get);
    }

    /** True when no upstream is configured: every name is local. */
    public boolean isEmpty() {
        return byPrefix.isEmpty();
    }

    /** See {@link dev.wharf.api.Registry#route}. */
    public RepositoryName route(RepositoryName name, Optional<String> namespace) {
        if (byPrefix.isEmpty()) {
            return name;
        }
        if (namespace.isPresent()) {
            Source source = byHost.get(namespace.get().trim().toLowerCase(Locale.ROOT));
            return source == null ? name : RepositoryName.of(source.upstream.prefix() + "/" + name.value());
        }
        if (defaultSource.isPresent() && mirrored(name).isEmpty() && !meta.repositoryExists(name)) {
            return RepositoryName.of(defaultSource.get().upstream.prefix() + "/" + name.value());
        }
        return name;
    }

    /** The upstream and upstream name of {@code repo}, if it lies under an upstream's prefix. */
    public Optional<Mirrored> mirrored(RepositoryName repo) {
        if (byPrefix.isEmpty()) {
            return Optional.empty();
        }
        String value = repo.value();
        int slash = value.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Source source = byPrefix.get(value.substring(0, slash));
        if (source == null) {
            return Optional.empty();
        }
        return Optional.of(new Mirrored(source, source.upstream.upstreamName(value.substring(slash + 1))));
    }

    /** DENIED for any client write to a mirrored repository. */
    public void refuseWrites(RepositoryName repo) {
        Optional<Mirrored> m = mirrored(repo);
        if (m.isPresent()) {
            throw Errors.mirrorReadOnly(repo, m.get().source.upstream.host());
        }
    }

    // ---- manifests ----

    /** A manifest of a mirrored repository: from here when known and fresh, else from the upstream. */
    public Manifest manifest(Caller caller, RepositoryName repo, Reference reference, Mirrored m) {
        Manifest manifest = lookUp(caller, repo, reference, m);
        lastPulled.put(repo.value() + "@" + manifest.digest(), clock.instant());
        return manifest;
    }

    /**
     * When the manifest {@code digest} of mirrored {@code repo} was last pulled; one this registry has not seen
     * pulled since it started counts from {@code now} (so a restart never makes content look unused).
     */
    Instant lastPulled(RepositoryName repo, Digest digest, Instant now) {
        return lastPulled.computeIfAbsent(repo.value() + "@" + digest, k -> now);
    }

    /** Forgets a manifest garbage collection removed. */
    void evicted(RepositoryName repo, Digest digest) {
        lastPulled.remove(repo.value() + "@" + digest);
    }

    private Manifest lookUp(Caller caller, RepositoryName repo, Reference reference, Mirrored m) {
        access.require(caller, Action.PULL, repo);
        m.requireAllowed(repo);
        if (reference instanceof Digest digest) {
            Optional<Manifest> local = meta.manifestContent(repo, digest);
            if (local.isPresent()) {
                return local.get();
            }
            return once(manifestFetches, repo + "@" + digest, () -> fetchByDigest(caller, repo, digest, m));
        }
        Tag tag = (Tag) reference;
        Optional<Digest> known = meta.resolveTag(repo, tag);
        if (known.isPresent() && m.source.fresh(repo, tag, clock.instant())) {
            Optional<Manifest> local = meta.manifestContent(repo, known.get());
            if (local.isPresent()) {
                return local.get();
            }
        }
        return once(manifestFetches, repo + ":" + tag.value(), () -> refreshTag(caller, repo, tag, m));
    }

    private Manifest fetchByDigest(Caller caller, RepositoryName repo, Digest digest, Mirrored m) {
        Optional<Manifest> local = meta.manifestContent(repo, digest); // a fetch that finished meanwhile
        if (local.isPresent()) {
            return local.get();
        }
        FetchedManifest fetched;
        try {
            fetched = m.ask(c -> c.manifest(m.name, digest)).orElseThrow(() -> Errors.manifestUnknown(repo, digest));
        } catch (UpstreamException e) {
            throw failed(e);
        }
        Digest actual = digest.algorithm().digest(fetched.bytes());
        if (!actual.equals(digest)) {
            throw Errors.upstreamUnavailable(m.host() + " served manifest bytes for " + digest + " that hash to "
                    + actual + "; nothing was stored", 200);
        }
        return store(caller, repo, digest, fetched, Optional.empty(), m);
    }

    private Manifest refreshTag(Caller caller, RepositoryName repo, Tag tag, Mirrored m) {
        Optional<Digest> known = meta.resolveTag(repo, tag);
        Instant now = clock.instant();
        if (known.isPresent() && m.source.fresh(repo, tag, now)) { // another pull refreshed it meanwhile
            Optional<Manifest> local = meta.manifestContent(repo, known.get());
            if (local.isPresent()) {
                return local.get();
            }
        }
        try {
            if (known.isPresent()) {
                Optional<Digest> upstream = m.ask(c -> c.tagDigest(m.name, tag));
                if (upstream.isEmpty()) {
                    throw Errors.manifestUnknown(repo, tag);
                }
                Optional<Manifest> local = meta.manifestContent(repo, known.get());
                if (upstream.get().equals(known.get()) && local.isPresent()) {
                    m.source.confirmed(repo, tag, now);
                    return local.get();
                }
            }
            FetchedManifest fetched = m.ask(c -> c.manifest(m.name, tag))
                    .orElseThrow(() -> Errors.manifestUnknown(repo, tag));
            DigestAlgorithm algorithm = fetched.statedDigest().map(Digest::algorithm).orElse(DigestAlgorithm.SHA256);
            Digest digest = algorithm.digest(fetched.bytes());
            if (fetched.statedDigest().isPresent() && !fetched.statedDigest().get().equals(digest)) {
                throw Errors.upstreamUnavailable(m.host() + " served manifest bytes for tag " + tag.value()
                        + " that hash to " + digest + ", not to the " + fetched.statedDigest().get()
                        + " it stated; nothing was stored", 200);
            }
            Manifest stored = store(caller, repo, digest, fetched, Optional.of(tag), m);
            m.source.confirmed(repo, tag, now);
            return stored;
        } catch (UpstreamException e) {
            if (e.isOutage() && known.isPresent()) {
                Optional<Manifest> local = meta.manifestContent(repo, known.get());
                if (local.isPresent()) {
                    return local.get().withWarning("served from the mirror's copy: " + e.getMessage()
                            + "; the tag may have moved upstream");
                }
            }
            throw failed(e);
        }
    }

    private Manifest store(Caller caller, RepositoryName repo, Digest digest, FetchedManifest fetched,
                           Optional<Tag> tag, Mirrored m) {
        var record = durable.of(() -> manifests.storeFetched(caller, repo, digest, fetched.mediaType(),
                fetched.bytes(), tag, m.host()));
        return record.manifest();
    }

    // ---- referrers ----

    /**
     * The referrers of {@code subject} in a mirrored repository: the upstream's, from its referrers API, when it
     * has one and answers; otherwise ({@code local}) the ones stored here.
     */
    public ReferrersQuery referrers(Caller caller, RepositoryName repo, Digest subject, Optional<String> artifactType,
                                    Optional<Digest> last, int limit, Mirrored m, Supplier<ReferrersQuery> local) {
        access.require(caller, Action.PULL, repo);
        m.requireAllowed(repo);
        Optional<List<Descriptor>> upstream;
        try {
            upstream = m.ask(c -> c.referrers(m.name, subject)).flatMap(f -> UpstreamReferrers.parse(f.bytes()));
        } catch (UpstreamException e) {
            upstream = Optional.empty(); // what is stored here is the best answer left
        }
        if (upstream.isEmpty()) {
            return local.get();
        }
        List<Descriptor> matching = upstream.get().stream()
                .filter(d -> artifactType.isEmpty() || d.artifactType().equals(artifactType))
                .filter(d -> last.isEmpty() || d.digest().compareTo(last.get()) > 0)
                .sorted(java.util.Comparator.comparing(Descriptor::digest))
                .distinct()
                .toList();
        boolean more = matching.size() > limit;
        return new ReferrersQuery(more ? matching.subList(0, Math.max(0, limit)) : matching, artifactType, more);
    }

    // ---- blobs ----

    /** HEAD of a blob in a mirrored repository: its size here, or as the upstream states it. */
    public Optional<BlobInfo> statBlob(Caller caller, RepositoryName repo, Digest digest, Mirrored m) {
        access.require(caller, Action.PULL, repo);
        if (meta.isBlobLinked(repo, digest)) {
            return blobs.stat(digest);
        }
        m.requireAllowed(repo);
        OptionalLong size;
        try {
            size = m.ask(c -> c.blobSize(m.name, digest));
        } catch (UpstreamException e) {
            throw failed(e);
        }
        if (size.isEmpty()) {
            return Optional.empty();
        }
        Optional<BlobInfo> stored = blobs.stat(digest);
        if (stored.isPresent()) {
            return durable.of(() -> publisher.linkStored(repo, digest, BlobPublisher.SILENT));
        }
        return Optional.of(new BlobInfo(digest, size.getAsLong()));
    }

    /**
     * GET of a blob a mirrored repository does not link yet: fetched and stored while it streams to the caller
     * (or fetched whole first, for a range or a body of unknown length); empty when the repository links it
     * already and the local read applies.
     */
    public Optional<BlobContent> readBlob(Caller caller, RepositoryName repo, Digest digest, Optional<ByteRange> range,
                                          Mirrored m) {
        access.require(caller, Action.PULL, repo);
        while (true) {
            if (meta.isBlobLinked(repo, digest)) {
                return Optional.empty();
            }
            m.requireAllowed(repo);
            if (blobs.stat(digest).isPresent()) {
                if (confirmUpstream(repo, digest, m)
                        && durable.of(() -> publisher.linkStored(repo, digest, BlobPublisher.SILENT)).isPresent()) {
                    return Optional.empty();
                }
                continue; // collected meanwhile: fetch it
            }
            CompletableFuture<BlobInfo> mine = new CompletableFuture<>();
            CompletableFuture<BlobInfo> running = blobFetches.putIfAbsent(digest, mine);
            if (running != null) {
                await(running, m);
                continue; // stored (for this or another repository), or failed: look again
            }
            UpstreamBlobFetch fetch;
            try {
                fetch = startFetch(repo, digest, m, mine);
            } catch (RuntimeException e) {
                finish(digest, mine, null, e);
                throw e;
            }
            if (range.isPresent()) {
                fetch.drain();
                return Optional.empty();
            }
            return Optional.of(fetch);
        }
    }

    private boolean confirmUpstream(RepositoryName repo, Digest digest, Mirrored m) {
        try {
            if (m.ask(c -> c.blobSize(m.name, digest)).isEmpty()) {
                throw Errors.blobUnknown(repo, digest);
            }
            return true;
        } catch (UpstreamException e) {
            throw failed(e);
        }
    }

    private UpstreamBlobFetch startFetch(RepositoryName repo, Digest digest, Mirrored m, CompletableFuture<BlobInfo> done) {
        FetchedBlob fetched;
        long size;
        try {
            fetched = m.ask(c -> c.blob(m.name, digest)).orElseThrow(() -> Errors.blobUnknown(repo, digest));
            size = fetched.size();
            if (size < 0) { // never store more than the upstream says the blob is
                try {
                    size = m.ask(c -> c.blobSize(m.name, digest)).orElseThrow(() -> new UpstreamException(502,
                            m.host() + " sent blob " + digest + " without a length and does not state its size"));
                } catch (RuntimeException e) {
                    closeQuietly(fetched, e);
                    throw e;
                }
            }
        } catch (UpstreamException e) {
            throw failed(e);
        }
        StagedBlob staged;
        StagedWriter writer;
        try {
            staged = blobs.stage();
        } catch (RuntimeException e) {
            closeQuietly(fetched, e);
            throw e;
        }
        try {
            writer = staged.writer();
        } catch (RuntimeException e) {
            BlobPublisher.discardQuietly(staged, e);
            closeQuietly(fetched, e);
            throw e;
        }
        return new UpstreamBlobFetch(digest, m.host(), m.source.upstream.readTimeout(), fetched, size, staged,
                writer, () -> durable.of(() -> publisher.publish(staged, repo, digest, BlobPublisher.SILENT)),
                (info, failure) -> finish(digest, done, info, failure));
    }

    private void await(CompletableFuture<BlobInfo> running, Mirrored m) {
        try {
            running.get(FOLLOWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // the other pull failed; this one looks again and, if still missing, fetches itself
        } catch (TimeoutException e) {
            throw Errors.upstreamUnavailable("another pull of this blob from " + m.host()
                    + " has not finished in " + FOLLOWER_WAIT.toMinutes() + " minutes", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.upstreamUnavailable("interrupted while waiting for " + m.host(), 0);
        }
    }

    private void finish(Digest digest, CompletableFuture<BlobInfo> done, BlobInfo info, Throwable failure) {
        blobFetches.remove(digest, done);
        if (failure == null) {
            done.complete(info);
        } else {
            done.completeExceptionally(failure);
        }
    }

    // ---- shared ----

    /** Runs {@code fetch} once for concurrent callers with the same {@code key}; the others get its result. */
    private <T> T once(Map<String, CompletableFuture<T>> running, String key, Supplier<T> fetch) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> other = running.putIfAbsent(key, mine);
        if (other != null) {
            try {
                return other.get(FOLLOWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (TimeoutException e) {
                throw Errors.upstreamUnavailable("another pull of " + key + " has not finished in "
                        + FOLLOWER_WAIT.toMinutes() + " minutes", 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errors.upstreamUnavailable("interrupted while waiting for " + key, 0);
            }
        }
        try {
            T result = fetch.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(key, mine);
        }
    }

    /** The client's answer for an upstream failure: its status, in the error envelope. */
    private static RegistryException failed(UpstreamException e) {
        if (e.status() == 429) {
            return Errors.upstreamRateLimited(e.getMessage(), e.retryAfter());
        }
        return Errors.upstreamUnavailable(e.getMessage(), e.status());
    }

    private static void closeQuietly(FetchedBlob fetched, Throwable primary) {
        try {
            fetched.close();
        } catch (IOException | RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }

    @Override
    public void close() {
        for (Source source : byPrefix.values()) {
            try {
                source.client.close();
            } catch (RuntimeException ignored) {
                // closing the others matters more
            }
        }
    }

    /** A repository under an upstream's prefix: the upstream, and the repository's name there. */
    public record Mirrored(Source source, String name) {
        String host() {
            return source.upstream.host();
        }

        /** How long content not pulled is kept, if the upstream says. */
        Optional<Duration> retention() {
            return source.upstream.retention();
        }

        /**
         * Calls the upstream's client. Any failure but the client's own {@link UpstreamException}s and the
         * registry's answers (a vendor's client throwing something else) counts as the upstream failing.
         */
        <T> T ask(java.util.function.Function<UpstreamClient, T> call) {
            try {
                return call.apply(source.client);
            } catch (UpstreamException | RegistryException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UpstreamException(502, "the client for " + host() + " failed: " + e, Optional.empty(), e);
            }
        }

        void requireAllowed(RepositoryName repo) {
            if (!source.upstream.allows(name)) {
                throw Errors.notMirrored(repo, name, host());
            }
        }
    }

    /** One upstream, its client, and when each of its tags was last confirmed there. */
    public static final class Source {
        private final Upstream upstream;
        private final UpstreamClient client;
        private final Map<String, Instant> confirmed = new ConcurrentHashMap<>();

        Source(Upstream upstream, UpstreamClient client) {
            this.upstream = upstream;
            this.client = client;
        }

        boolean fresh(RepositoryName repo, Tag tag, Instant now) {
            Instant at = confirmed.get(repo.value() + ":" + tag.value());
            return at != null && now.isBefore(at.plus(upstream.tagRecheck()));
        }

        void confirmed(RepositoryName repo, Tag tag, Instant at) {
            confirmed.put(repo.value() + ":" + tag.value(), at);
        }
    }
}
