package dev.wharf.spi;

import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tags role of a {@link MetadataStore}: tags as refs (a repository-scoped mutable name for a manifest
 * digest) and a bounded history of each tag's moves, kept after the tag and its repository are gone. Tags
 * are created and moved by {@link ManifestStore#putManifest}, and removed with their manifest by
 * {@link ManifestStore#deleteManifest}, or alone here.
 */
public interface TagStore {
    /** How many moves a store keeps per tag; older ones are dropped. */
    int TAG_HISTORY_LIMIT = 32;

    /** The digest the tag points at, or empty. */
    Optional<Digest> resolveTag(RepositoryName repository, Tag tag);

    /** Tags in ASCII order, strictly after {@code after} (any string, not necessarily a tag). */
    Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit);

    /**
     * Removes a tag only and records the removal (at {@code at}) in its history; false, recording nothing, if it
     * did not exist.
     */
    default boolean deleteTag(RepositoryName repository, Tag tag, Instant at) {
        return deleteTag(repository, tag, at, PendingEvents.none());
    }

    /** {@link #deleteTag(RepositoryName, Tag, Instant)}, recording {@code events} with it when it deletes. */
    boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents events);

    /** Tags pointing at {@code digest}, in ASCII order, at most {@code limit}. */
    List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit);

    /** The tag's recorded moves, newest first, at most {@link #TAG_HISTORY_LIMIT}. */
    List<TagMove> tagHistory(RepositoryName repository, Tag tag);
}
