package dev.wharf.spi;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.TagMove;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The manifests role of a {@link MetadataStore}: manifests by repository and digest (exact bytes plus the
 * facts parsed at push time) and the referrers index (manifests by their {@code subject}).
 *
 * <p>A push and a delete are each one atomic change that also covers the tags they move (see
 * {@link TagStore}) and the referrers entry.
 */
public interface ManifestStore {

    /** The manifest with its parsed facts, or empty. */
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
     * in one atomic change, provided every move's tag still points where the move says it did ({@code from}):
     * a compare-and-set on the tags. Storing the same digest again replaces the record and keeps its other
     * tags.
     *
     * <p>The engine reads {@code from} while other pushes to the repository proceed, so two pushes may race
     * to move one tag; the store decides, atomically with the write, which one wins, and the engine reads
     * again and retries the loser. Pushes that move different tags of one repository must not wait for each
     * other beyond the write itself (never across a disk flush).
     *
     * @param moves one per tag to point at the manifest; {@code to} is the manifest's digest and {@code from}
     *              where the engine read the tag pointing (empty: the tag must not exist)
     * @return true if stored; false, with nothing changed, if some tag no longer points at its move's
     *         {@code from}
     */
    default boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves) {
        return putManifest(repository, manifest, moves, PendingEvents.none());
    }

    /**
     * {@link #putManifest(RepositoryName, ManifestRecord, Collection)}, recording {@code events} in the same atomic
     * change (only if it happens) when the store keeps an {@link EventLog}.
     */
    boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                        PendingEvents events);

    /**
     * Removes a manifest, every tag pointing at it (recording each removal at {@code at} in its history) and
     * its referrers entry, atomically, dropping the repository if nothing else is left in it; false if the
     * manifest was absent.
     */
    default boolean deleteManifest(RepositoryName repository, Digest digest, Instant at) {
        return deleteManifest(repository, digest, at, PendingEvents.none());
    }

    /** {@link #deleteManifest(RepositoryName, Digest, Instant)}, recording {@code events} with it when it deletes. */
    boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents events);

    /**
     * Descriptors of the repository's manifests whose subject is {@code subject}, in digest order, strictly
     * after {@code after}.
     */
    Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit);

    /**
     * Visits every manifest, for garbage collection. May run concurrently with changes; sees each manifest
     * present throughout the visit.
     */
    void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor);
}
