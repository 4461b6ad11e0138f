package dev.wharf.servlet;

import dev.wharf.api.Page;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RepositoryName;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The catalog, {@code GET /v2/_catalog[?n=<int>&last=<name>]} (not in the OCI spec's endpoint table; the
 * CNCF distribution API every client knows): {@code {"repositories": [...]}} in name order, limited to the
 * repositories the caller may read (see {@link Registry#catalog}), paged exactly like the tag list
 * ({@link Pagination}); a {@code Link} follows only when another readable repository does.
 */
final class CatalogHandler {
    private final Registry registry;

    CatalogHandler(Registry registry) {
        this.registry = registry;
    }

    /** GET {@code /v2/_catalog}. */
    void list(Exchange ex) throws IOException {
        RegistryConfig config = registry.config();
        Pagination page = Pagination.from(ex.query(), config.defaultPageSize(), config.maxPageSize());
        List<String> names = List.of();
        if (page.n() > 0) {
            Page<RepositoryName> result = registry.catalog(ex.caller(), page.last(), page.n());
            names = result.items().stream().map(RepositoryName::value).toList();
            if (result.hasMore() && !names.isEmpty()) {
                ex.setHeader("Link", page.nextLink(ex.path("/_catalog"), result.last().value()));
            }
        }
        ex.sendJson(HttpServletResponse.SC_OK, Map.of("repositories", names));
    }
}
