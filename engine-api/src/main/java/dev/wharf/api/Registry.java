package dev.wharf.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The registry engine: every operation of the OCI Distribution API as a Java call, usable with or without
 * HTTP. Build one with {@link #builder()}; close it to release its stores. Several instances may live in
 * one JVM; nothing is global.
 *
 * <p>Every method takes the {@link Caller} on whose behalf it acts and consults the configured
 * {@link dev.wharf.spi.Authorizer}. Failures are {@link RegistryException}s carrying the spec's error
 * code; absence is reported as an exception where the protocol answers 404 and as {@link Optional} where
 * the caller is merely asking.
 *
 * <pre>{@code
 * try (Registry registry = Registry.builder().build()) {        // in-memory storage
 *     RepositoryName repo = RepositoryName.of("team/app");
 *     BlobInfo blob = registry.pushBlob(Caller.anonymous(), repo, digest, UploadChunk.of(bytes)).blob().get();
 * }
 * }</pre>
 */
public interface Registry extends AutoCloseable {

    /** A builder with in-memory storage, allow-all authorisation and the documented defaults. */
    static RegistryBuilder builder() {
        return new RegistryBuilder();
    }

    /** The configuration this registry was built with. */
    RegistryConfig config();

    /**
     * The repository a request for {@code name} addresses here. With a pull-through {@link Upstream} configured:
     * {@code namespace} (the {@code ns} query parameter) naming its host puts {@code name} under its
     * {@link Upstream#prefix()}; without {@code namespace}, a name that does not exist locally goes under the
     * default upstream's prefix when one is configured. Otherwise, and always without upstreams, {@code name}
     * itself. A namespace this registry does not mirror is ignored, as the spec allows.
     */
    default RepositoryName route(RepositoryName name, java.util.Optional<String> namespace) {
        return name;
    }

    // ---- blobs (end-2, end-10) ----

    /** Size and digest of a blob linked in {@code repository}, or empty if it is not linked there. */
    Optional<BlobInfo> statBlob(Caller caller, RepositoryName repository, Digest digest);

    /**
     * Opens a blob linked in {@code repository}, whole or a byte range of it.
     *
     * @throws RegistryException BLOB_UNKNOWN / NAME_UNKNOWN if absent; RANGE_INVALID (416) if the
     *                           range starts past the end
     */
    BlobContent readBlob(Caller caller, RepositoryName repository, Digest digest, Optional<ByteRange> range);

    /** Unlinks a blob from one repository (its bytes stay while other repositories link them). */
    void deleteBlob(Caller caller, RepositoryName repository, Digest digest);

    // ---- uploads (end-4a/4b/4c, end-5, end-6, end-11, end-13, end-14) ----

    /** Opens an upload session hashing with {@code algorithm} (sha256 when empty). */
    UploadStart startUpload(Caller caller, RepositoryName repository, Optional<DigestAlgorithm> algorithm);

    /**
     * Links an existing blob into {@code repository} without upload. With {@code from}, the caller must be
     * allowed to pull {@code from} and {@code from} must link the blob; without it, some repository the
     * caller may pull must link it. Otherwise opens an upload session, exactly as for an unknown blob.
     */
    UploadStart mount(Caller caller, RepositoryName repository, Digest digest, Optional<RepositoryName> from);

    /** Single-request monolithic push: stores and links the blob, verifying its digest and length. */
    UploadStart pushBlob(Caller caller, RepositoryName repository, Digest digest, UploadChunk body);

    /** The state of an open session. */
    UploadStatus uploadStatus(Caller caller, RepositoryName repository, String uploadId);

    /**
     * Appends a chunk. The chunk must start where the session's accepted bytes end (416 otherwise); on any
     * failure the session is left exactly as before the call.
     */
    UploadStatus appendUpload(Caller caller, RepositoryName repository, String uploadId, UploadChunk chunk);

    /**
     * Appends the optional final chunk, verifies the whole blob against {@code digest}, publishes it and
     * links it into the repository, closing the session. On a digest or size mismatch nothing is stored and
     * the session is cancelled.
     */
    BlobInfo completeUpload(Caller caller, RepositoryName repository, String uploadId, Digest digest,
                            UploadChunk finalChunk);

    /**
     * The smallest chunk (except the last) the blob store wants an upload session to append, announced to
     * clients as {@code OCI-Chunk-Min-Length}; empty when any size works (see
     * {@link dev.wharf.spi.BlobStaging#minimumChunkSize()}).
     */
    default OptionalLong minimumChunkSize() {
        return config().blobStore().map(dev.wharf.spi.BlobStaging::minimumChunkSize).orElse(OptionalLong.empty());
    }

    /**
     * How many upload sessions are open: started and neither completed, cancelled nor yet expired and swept. For
     * monitoring (a gauge); empty when the registry cannot tell without walking every session of its store.
     */
    default OptionalLong openUploadSessions() {
        return config().metadataStore().map(store -> OptionalLong.of(store.uploads().size()))
                .orElse(OptionalLong.empty());
    }

    /** Cancels a session and frees its staged bytes. */
    void cancelUpload(Caller caller, RepositoryName repository, String uploadId);

    /**
     * {@link #pushBlob} for a body that arrives piece by piece ({@link UploadSink}): nothing is read here; the
     * body's bytes are {@link UploadSink#write written} to the sink as they arrive. Access is checked now.
     */
    UploadSink<UploadStart> openBlobPush(Caller caller, RepositoryName repository, Digest digest,
                                         OptionalLong contentLength);

    /**
     * {@link #appendUpload} for a body that arrives piece by piece. The session and the declared range are
     * checked now (416 for a chunk out of order), and the session is held by the sink until it is finished or
     * aborted.
     */
    UploadSink<UploadStatus> openUploadAppend(Caller caller, RepositoryName repository, String uploadId,
                                              OptionalLong contentLength, Optional<ByteRange> contentRange);

    /**
     * {@link #completeUpload} with a final chunk that arrives piece by piece; the digest is checked when the
     * sink is {@link UploadSink#finish finished}.
     */
    UploadSink<BlobInfo> openUploadComplete(Caller caller, RepositoryName repository, String uploadId, Digest digest,
                                            OptionalLong contentLength, Optional<ByteRange> contentRange);

    // ---- manifests and tags (end-3, end-7a/7b, end-8a/8b, end-9) ----

    /**
     * A manifest by tag or digest.
     *
     * @throws RegistryException MANIFEST_UNKNOWN / NAME_UNKNOWN if absent
     */
    Manifest manifest(Caller caller, RepositoryName repository, Reference reference);

    /**
     * Stores a manifest byte for byte and points {@code reference} (if a tag) and {@code extraTags} at it,
     * all in one atomic change. Validates the JSON, refuses Docker schema 1, checks that every referenced
     * blob and child manifest is present in the repository, and indexes its {@code subject}.
     *
     * @param contentType the request's Content-Type (parameters ignored); may be empty
     */
    default ManifestPushed pushManifest(Caller caller, RepositoryName repository, Reference reference,
                                        String contentType, byte[] bytes, List<Tag> extraTags) {
        return pushManifest(caller, repository, reference, contentType, bytes, extraTags, Precondition.none());
    }

    /**
     * {@link #pushManifest(Caller, RepositoryName, Reference, String, byte[], List)} only if what
     * {@code reference} points to satisfies {@code condition}, checked and applied atomically with the push.
     *
     * @throws RegistryException PRECONDITION_FAILED (412) when the reference is in another state
     */
    ManifestPushed pushManifest(Caller caller, RepositoryName repository, Reference reference, String contentType,
                                byte[] bytes, List<Tag> extraTags, Precondition condition);

    /** Deletes a tag (the manifest stays) or, by digest, a manifest with its tags and referrers entry. */
    void deleteManifest(Caller caller, RepositoryName repository, Reference reference);

    /**
     * A page of the repository's tags in ASCII order, after {@code last} (exclusive).
     *
     * @throws RegistryException NAME_UNKNOWN if the repository does not exist
     */
    Page<Tag> tags(Caller caller, RepositoryName repository, Optional<String> last, int limit);

    /**
     * The most recent moves of a tag, newest first (at most {@link dev.wharf.spi.MetadataStore#TAG_HISTORY_LIMIT}),
     * including its creation and deletion; empty if the tag never existed.
     */
    List<TagMove> tagHistory(Caller caller, RepositoryName repository, Tag tag);

    // ---- discovery (end-12a/12b, catalog) ----

    /**
     * The first page of manifests in {@code repository} whose {@code subject} is {@code subject}, optionally
     * filtered by artifact type, with the configured default page size.
     */
    default ReferrersQuery referrers(Caller caller, RepositoryName repository, Digest subject,
                                     Optional<String> artifactType) {
        return referrers(caller, repository, subject, artifactType, Optional.empty(), config().defaultPageSize());
    }

    /**
     * A page of manifests in {@code repository} whose {@code subject} is {@code subject}, optionally filtered by
     * artifact type, in digest order after {@code last} (exclusive), at most {@code limit} (capped at the
     * configured maximum page size).
     */
    ReferrersQuery referrers(Caller caller, RepositoryName repository, Digest subject, Optional<String> artifactType,
                             Optional<Digest> last, int limit);

    /**
     * A page of the repository names the caller may read, in order, after {@code last} (exclusive): a
     * repository is listed only if the caller may both {@link Action#CATALOG} and {@link Action#PULL} it,
     * and {@link Page#hasMore()} is true only if another such name follows, so that neither the names nor the
     * continuation reveal a repository the caller cannot read.
     */
    Page<RepositoryName> catalog(Caller caller, Optional<String> last, int limit);

    /**
     * One page of a search of the registry's tags: which tags, filtered how, in what order, from where
     * ({@link SearchQuery}). Only tags of repositories the caller may pull are ever shown (registry-wide, also only
     * those the caller may list in the catalog), and neither the page, whether it ends early nor its cursor depend
     * on the others. A page may hold fewer results than asked for, even none, and still have a
     * {@link SearchPage#next() next} cursor when the filters match little: each page looks at a bounded number of
     * entries. Continue with {@code query.withCursor(page.next().get())}.
     *
     * @throws RegistryException QUERY_INVALID for a cursor this registry did not give out for this query and
     *                           caller; PAGINATION_NUMBER_INVALID for a limit outside 1 to the maximum page size;
     *                           NAME_UNKNOWN or DENIED for a repository view of a repository that does not exist or
     *                           that the caller may not pull; UNSUPPORTED when the metadata store keeps no search
     *                           index
     */
    default SearchPage search(Caller caller, SearchQuery query) {
        throw new RegistryException(ErrorCode.UNSUPPORTED, "this registry does not search");
    }

    // ---- events ----

    /**
     * Up to {@code limit} events recorded after sequence {@code after} (0 for the start), for a consumer that
     * polls instead of receiving webhooks: only events of repositories the caller may {@link Action#PULL} are
     * shown, and events without a repository (bytes collected) are not. A page looks at a bounded number of
     * events, so it may be short, even empty, while {@link EventPage#hasMore()} says more follow; continue
     * after {@link EventPage#next()}. Events older than the configured retention are gone.
     *
     * @throws RegistryException UNSUPPORTED when the metadata store keeps no event log
     */
    default EventPage events(Caller caller, long after, int limit) {
        throw new RegistryException(ErrorCode.UNSUPPORTED, "this registry's metadata store keeps no event log");
    }

    /** Where each configured event sink ({@link Webhook}) stands; empty without sinks. */
    default List<EventSinkStatus> eventSinks() {
        return List.of();
    }

    // ---- maintenance ----

    /**
     * The usage of a quota scope (a repository name, or the glob of a namespace rule such as {@code team/**}) beside
     * its limits; empty when it is no scope of the quota policy or {@code caller} may not read it (a repository's
     * usage needs pull access to it, a namespace's pull access to every repository it holds).
     */
    default Optional<QuotaStatus> usage(Caller caller, String scope) {
        return Optional.empty();
    }

    /** The usage of every quota scope that counts {@code repository} and that {@code caller} may read. */
    default List<QuotaStatus> usageOf(Caller caller, RepositoryName repository) {
        return List.of();
    }

    /**
     * Recounts quota usage from the stored content and compares it with the counts the metadata store keeps
     * (which every change updates atomically); with {@code repair}, replaces the stored counts with the recount.
     * Exact while nothing changes the registry; an empty list means the counts agree.
     */
    default List<UsageDifference> verifyUsage(boolean repair) {
        return List.of();
    }

    /**
     * Runs garbage collection now (it also runs on the configured schedule): reclaims blobs that no
     * repository links and no manifest references once past their grace period, untagged manifests past the
     * configured retention, and idle upload sessions. Safe while the registry serves pushes and pulls.
     */
    GcReport collectGarbage();

    /**
     * How many garbage collections have finished and failed since the registry opened, and the last report; for
     * monitoring. Empty when the registry does not count them.
     */
    default Optional<GcRuns> garbageCollections() {
        return Optional.empty();
    }

    /** Releases the stores. Idempotent. */
    @Override
    void close();
}
