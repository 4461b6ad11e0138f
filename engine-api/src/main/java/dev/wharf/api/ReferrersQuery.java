package dev.wharf.api;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a referrers query: the matching descriptors and whether the artifact type filter was
 * applied (the HTTP layer then sends {@code OCI-Filters-Applied: artifactType}).
 *
 * @param referrers       descriptors of manifests whose {@code subject} is the queried digest
 * @param artifactTypeFilter the artifact type filter applied, if any
 */
public record ReferrersQuery(List<Descriptor> referrers, Optional<String> artifactTypeFilter) {
    public ReferrersQuery {
        referrers = List.copyOf(referrers);
    }
}
