package dev.wharf.spi;

import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The search role of a {@link MetadataStore} that can answer searches: every tag of every repository as an
 * {@link Entry}, kept in three orders (by name, by push time, by the tag's last move), registry-wide and per
 * repository, so that a page of a search costs the same however much the registry holds.
 *
 * <p>The store keeps the entries itself, in the same atomic change as what they reflect: a tag created or moved
 * by {@link ManifestStore#putManifest} (its update time is the move's time), a tag pushed again as the digest it
 * already points at (its push time becomes the manifest record's; its update time stays: the tag did not move),
 * a tag removed by {@link TagStore#deleteTag} or with its manifest by {@link ManifestStore#deleteManifest}.
 * A reader never sees an entry whose tag no longer exists or points elsewhere, once the change that made it so
 * has returned. Times are kept to the millisecond at least, as everywhere in the store.
 *
 * <p>The orders, compared field by field, strings in ASCII order:
 * <ul>
 *   <li>{@link SearchQuery.Sort#NAME}: repository, tag;</li>
 *   <li>{@link SearchQuery.Sort#PUSHED}: push time, repository, tag;</li>
 *   <li>{@link SearchQuery.Sort#UPDATED}: update time, repository, tag.</li>
 * </ul>
 * Within one repository, the same orders without the repository field. Descending is the exact reverse.
 */
public interface SearchIndex {

    /**
     * What a search shows of the manifest a tag points at, kept in its entry so that a page of results reads the
     * index alone, in order, and no manifest. It follows from the manifest's bytes, so it never changes while the
     * tag points at the same digest.
     *
     * @param mediaType    the manifest's media type
     * @param artifactType its artifact type ({@link ManifestRecord#artifactType()})
     * @param size         the manifest and what its descriptors declare ({@link ManifestRecord#contentSize()})
     * @param annotations  its annotations
     */
    record Summary(String mediaType, Optional<String> artifactType, long size, Map<String, String> annotations) {
        public Summary {
            Objects.requireNonNull(mediaType, "mediaType");
            Objects.requireNonNull(artifactType, "artifactType");
            annotations = Map.copyOf(annotations);
        }

        /** The summary of {@code record}. */
        public static Summary of(ManifestRecord record) {
            return new Summary(record.manifest().mediaType(), record.artifactType(), record.contentSize(),
                    record.annotations());
        }
    }

    /**
     * One tag as the index keeps it.
     *
     * @param repository the repository holding the tag
     * @param tag        the tag
     * @param digest     the manifest it points at
     * @param manifest   what that manifest is
     * @param pushedAt   when the tag was last pushed (the last push that named it)
     * @param updatedAt  when the tag last moved (was created or pointed at another manifest)
     */
    record Entry(RepositoryName repository, Tag tag, Digest digest, Summary manifest, Instant pushedAt,
                 Instant updatedAt) {
        public Entry {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(pushedAt, "pushedAt");
            Objects.requireNonNull(updatedAt, "updatedAt");
        }

        /** The entry of {@code tag} pointing at {@code record}, pushed when it says, moved at {@code updatedAt}. */
        public static Entry of(RepositoryName repository, Tag tag, ManifestRecord record, Instant updatedAt) {
            return new Entry(repository, tag, record.digest(), Summary.of(record), record.pushedAt(), updatedAt);
        }

        /** This entry with another push time. */
        public Entry withPushedAt(Instant time) {
            return new Entry(repository, tag, digest, manifest, time, updatedAt);
        }

        /** The time {@code order} sorts by: the push or update time; {@link Instant#EPOCH} for names. */
        public Instant time(SearchQuery.Sort order) {
            return switch (order) {
                case NAME -> Instant.EPOCH;
                case PUSHED -> pushedAt;
                case UPDATED -> updatedAt;
            };
        }

        /** This entry's place in {@code order}, to continue a listing after it. */
        public Position position(SearchQuery.Sort order) {
            return new Position(time(order), repository.value(), tag.value());
        }
    }

    /**
     * A place in one of the orders, not necessarily an entry's: a listing continues strictly after it (in its
     * direction). The strings need not be valid names, so that a listing can start anywhere ({@code ""} sorts
     * before every name). For {@link SearchQuery.Sort#NAME} the time is ignored; within one repository, the
     * repository is.
     *
     * @param time       the push or update time
     * @param repository a repository name, or any string
     * @param tag        a tag, or any string
     */
    record Position(Instant time, String repository, String tag) {
        public Position {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(tag, "tag");
        }
    }

    /**
     * Entries in {@code order}, strictly after {@code after} (from the start when empty), at most {@code limit}.
     *
     * @param order      which order
     * @param repository one repository's entries only, or (empty) every repository's
     * @param after      where to continue, in the listing's direction
     * @param descending the reverse order
     * @param limit      at least 1
     */
    List<Entry> entries(SearchQuery.Sort order, Optional<RepositoryName> repository, Optional<Position> after,
                        boolean descending, int limit);
}
