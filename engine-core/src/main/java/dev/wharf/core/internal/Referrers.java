package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.ReferrersQuery;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.ManifestStore;

import java.util.Optional;

/**
 * The referrers API (spec end-12a/12b "Listing Referrers"): the descriptors of a repository's manifests whose
 * {@code subject} is a digest, optionally filtered by artifact type, in digest order and in pages.
 */
public final class Referrers {
    private final ManifestStore manifests;
    private final Access access;

    public Referrers(ManifestStore manifests, Access access) {
        this.manifests = manifests;
        this.access = access;
    }

    /** A page of at most {@code limit} matching descriptors after {@code last}. */
    public ReferrersQuery list(Caller caller, RepositoryName repo, Digest subject, Optional<String> artifactType,
                               Optional<Digest> last, int limit) {
        access.require(caller, Action.PULL, repo);
        Page<Descriptor> page = FilteredPages.fill((after, n) -> manifests.referrers(repo, subject, after, n),
                d -> artifactType.isEmpty() || d.artifactType().equals(artifactType), Descriptor::digest, last, limit);
        return new ReferrersQuery(page.items(), artifactType, page.hasMore());
    }
}
