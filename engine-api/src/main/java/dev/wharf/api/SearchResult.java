package dev.wharf.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One answer of a search of a registry's tags ({@link SearchQuery}): a tag of a repository and the manifest it
 * points at, with what the manifest is and when it arrived.
 *
 * @param repository   the repository holding the tag
 * @param tag          the tag
 * @param digest       the manifest the tag points at
 * @param mediaType    the manifest's media type
 * @param artifactType the manifest's artifact type (its {@code artifactType} field, else an image manifest's
 *                     config media type); empty for an index without one
 * @param size         the manifest's size plus the sizes of the descriptors it references (config and layers of
 *                     an image manifest, the manifests of an index), as the manifest declares them
 * @param pushedAt     when the tag was last pushed (the last push that named it), to the millisecond
 * @param updatedAt    when the tag last moved (was created or pointed at another manifest), to the millisecond
 * @param annotations  the manifest's annotations
 */
public record SearchResult(RepositoryName repository, Tag tag, Digest digest, String mediaType,
                           Optional<String> artifactType, long size, Instant pushedAt, Instant updatedAt,
                           Map<String, String> annotations) {
    public SearchResult {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(artifactType, "artifactType");
        Objects.requireNonNull(pushedAt, "pushedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        annotations = Map.copyOf(annotations);
    }
}
