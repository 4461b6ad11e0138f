package dev.wharf.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of a referrers query: the matching descriptors, in digest order, whether the artifact type filter
 * was applied (the HTTP layer then sends {@code OCI-Filters-Applied: artifactType}) and whether more follow
 * (the HTTP layer then sends a {@code Link} to the next page, continuing after the last digest here).
 *
 * @param referrers          descriptors of manifests whose {@code subject} is the queried digest
 * @param artifactTypeFilter the artifact type filter applied, if any
 * @param hasMore            true if matching descriptors follow the last one on this page
 */
public record ReferrersQuery(List<Descriptor> referrers, Optional<String> artifactTypeFilter, boolean hasMore) {
    public ReferrersQuery {
        referrers = List.copyOf(referrers);
        java.util.Objects.requireNonNull(artifactTypeFilter, "artifactTypeFilter");
    }

    /** A complete answer: everything matched fits on this page. */
    public ReferrersQuery(List<Descriptor> referrers, Optional<String> artifactTypeFilter) {
        this(referrers, artifactTypeFilter, false);
    }
}
