package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.RepositoryLinks;

import java.util.Optional;

/**
 * The catalog ({@code GET /v2/_catalog}): repository names in order, only those the caller may read. A
 * repository is listed when the caller may both {@link Action#CATALOG} and {@link Action#PULL} it; the page
 * and its continuation (the last name on it) never name any other, so neither reveals a repository the caller
 * cannot read.
 */
public final class Catalog {
    private final RepositoryLinks repositories;
    private final Access access;

    public Catalog(RepositoryLinks repositories, Access access) {
        this.repositories = repositories;
        this.access = access;
    }

    /** A page of at most {@code limit} readable names after {@code last}. */
    public Page<RepositoryName> list(Caller caller, Optional<String> last, int limit) {
        return FilteredPages.fill(repositories::repositories,
                name -> access.permits(caller, Action.CATALOG, name) && access.permits(caller, Action.PULL, name),
                RepositoryName::value, last, limit);
    }
}
