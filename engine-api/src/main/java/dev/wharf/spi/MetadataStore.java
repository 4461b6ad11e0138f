package dev.wharf.spi;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Everything but blob bytes: repositories, manifests (exact bytes + parsed facts), tags, per-repository
 * blob links, the referrers index and upload sessions.
 *
 * <p>Contract:
 * <ul>
 *   <li>Each mutating method is one atomic, durable change: after it returns, all of it is visible and
 *       (for a durable store) survives a crash; if it throws, none of it happened.</li>
 *   <li>A repository exists while it links a blob or holds a manifest.</li>
 *   <li>Listings are ordered by the natural (ASCII) order of their keys and start strictly after the
 *       given cursor; a page costs O(page size), not O(everything stored).</li>
 *   <li>Methods are thread-safe. The engine serialises changes to one repository's manifests and tags
 *       itself, so compare-then-write sequences need no store-level transactions.</li>
 * </ul>
 */
public interface MetadataStore extends AutoCloseable {

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
     * Stores a manifest (creating the repository), points each of {@code tags} at it (moving them if they
     * pointed elsewhere) and adds its referrers entry if it has a subject, all in one atomic change.
     * Storing the same digest again replaces the record and keeps its other tags.
     */
    void putManifest(RepositoryName repository, ManifestRecord manifest, Collection<Tag> tags);

    Optional<Digest> resolveTag(RepositoryName repository, Tag tag);

    /** Tags in ASCII order, strictly after {@code after}. */
    Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit);

    /** Removes a tag only; false if it did not exist. */
    boolean deleteTag(RepositoryName repository, Tag tag);

    /** Removes a manifest, every tag pointing at it and its referrers entry, atomically; false if absent. */
    boolean deleteManifest(RepositoryName repository, Digest digest);

    /** Descriptors of the repository's manifests whose subject is {@code subject}, ordered by digest. */
    List<Descriptor> referrers(RepositoryName repository, Digest subject);

    // ---- upload sessions ----

    /** Creates or replaces an upload session record. */
    void putUpload(UploadRecord upload);

    Optional<UploadRecord> upload(String id);

    /** False if there was no such session. */
    boolean deleteUpload(String id);

    /** Every open session (for expiry). */
    List<UploadRecord> uploads();

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
