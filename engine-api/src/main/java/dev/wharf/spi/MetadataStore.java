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
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Everything but blob bytes: repositories, manifests (exact bytes + parsed facts), tags, per-repository
 * blob links, the referrers index and upload sessions.
 *
 * <p>Contract:
 * <ul>
 *   <li>Each mutating method is one atomic change: after it returns, all of it is visible; if it throws,
 *       none of it happened. A durable store makes it survive a crash by the time {@link #sync()} returns
 *       on the same thread; the engine calls {@code sync()} before acknowledging any change, after
 *       releasing its own locks, so one disk flush can cover many concurrent writers (group commit).</li>
 *   <li>A repository exists while it links a blob or holds a manifest.</li>
 *   <li>Listings are ordered by the natural (ASCII) order of their keys and start strictly after the
 *       given cursor; a page costs O(page size), not O(everything stored).</li>
 *   <li>Methods are thread-safe. The engine serialises changes to one repository's manifests and tags
 *       itself, so compare-then-write sequences need no store-level transactions.</li>
 * </ul>
 */
public interface MetadataStore extends AutoCloseable {
    /** How many moves a store keeps per tag; older ones are dropped. */
    int TAG_HISTORY_LIMIT = 32;

    // ---- repositories ----

    boolean repositoryExists(RepositoryName repository);

    /** Repositories in name order, strictly after {@code after}. */
    Page<RepositoryName> repositories(Optional<String> after, int limit);

    // ---- blob links ----

    boolean isBlobLinked(RepositoryName repository, Digest digest);

    /** Links a blob into a repository (creating the repository). Idempotent. */
    void linkBlob(RepositoryName repository, Digest digest);

    /** Removes a link; false if there was none. */
    boolean unlinkBlob(RepositoryName repository, Digest digest);

    /** Repositories linking {@code digest}, in name order, strictly after {@code after}. */
    Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit);

    // ---- manifests, tags, referrers ----

    Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest);

    /**
     * Just the manifest's bytes and media type, for serving it: the pull hot path. Stores that keep the
     * parsed facts apart from the bytes override this to skip decoding them.
     */
    default Optional<Manifest> manifestContent(RepositoryName repository, Digest digest) {
        return manifest(repository, digest).map(ManifestRecord::manifest);
    }

    /**
     * Stores a manifest (creating the repository), points each move's tag at it, appends each move that
     * changes a tag to that tag's history, and adds the manifest's referrers entry if it has a subject, all
     * in one atomic change. Storing the same digest again replaces the record and keeps its other tags.
     *
     * @param moves one per tag to point at the manifest; {@code to} is the manifest's digest and {@code from}
     *              what the engine read under its repository lock
     */
    void putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves);

    Optional<Digest> resolveTag(RepositoryName repository, Tag tag);

    /** Tags in ASCII order, strictly after {@code after}. */
    Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit);

    /** Removes a tag only and records the removal (at {@code at}) in its history; false if it did not exist. */
    boolean deleteTag(RepositoryName repository, Tag tag, Instant at);

    /**
     * Removes a manifest, every tag pointing at it (recording each removal at {@code at}) and its referrers
     * entry, atomically; false if absent.
     */
    boolean deleteManifest(RepositoryName repository, Digest digest, Instant at);

    /** Tags pointing at {@code digest}, in order, at most {@code limit}. */
    List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit);

    /** The tag's recorded moves, newest first, at most {@link #TAG_HISTORY_LIMIT}. */
    List<TagMove> tagHistory(RepositoryName repository, Tag tag);

    /** Descriptors of the repository's manifests whose subject is {@code subject}, ordered by digest. */
    List<Descriptor> referrers(RepositoryName repository, Digest subject);

    // ---- enumeration, for garbage collection ----

    /** Visits every blob link. May run concurrently with changes; sees each link present throughout. */
    void forEachLink(BiConsumer<RepositoryName, Digest> visitor);

    /** Visits every manifest. May run concurrently with changes; sees each manifest present throughout. */
    void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor);

    // ---- upload sessions ----

    /** Creates or replaces an upload session record. */
    void putUpload(UploadRecord upload);

    Optional<UploadRecord> upload(String id);

    /** False if there was no such session. */
    boolean deleteUpload(String id);

    /** Every open session (for expiry). */
    List<UploadRecord> uploads();

    /**
     * Returns once every change this thread has made is durable. Stores that sync each write (or keep
     * nothing durable) need not override this.
     */
    default void sync() {
    }

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
