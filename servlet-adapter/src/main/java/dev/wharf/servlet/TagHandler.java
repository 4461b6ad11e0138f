package dev.wharf.servlet;

import dev.wharf.api.Page;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tag listing (end-8a/8b, spec "Listing Tags"): {@code {"name": "<name>", "tags": [...]}} in ASCII order,
 * paged with {@code n} and {@code last} ({@link Pagination}), with a {@code Link: <...>; rel="next"} header
 * whenever more tags follow.
 */
final class TagHandler {
    private final Registry registry;

    TagHandler(Registry registry) {
        this.registry = registry;
    }

    /** end-8a/8b: GET {@code /v2/<name>/tags/list[?n=<int>&last=<tag>]}. */
    void list(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        RegistryConfig config = registry.config();
        Pagination page = Pagination.from(ex.query(), config.defaultPageSize(), config.maxPageSize());
        List<String> tags;
        if (page.n() == 0) {
            // The spec wants an empty list and no Link, but an unknown repository is still 404 and a
            // forbidden one still refused: ask the engine for one tag and show none.
            registry.tags(ex.caller(), name, page.last(), 1);
            tags = List.of();
        } else {
            Page<Tag> result = registry.tags(ex.caller(), name, page.last(), page.n());
            tags = result.items().stream().map(Tag::value).toList();
            if (result.hasMore() && !tags.isEmpty()) {
                ex.setHeader("Link", page.nextLink(ex.repositoryPath("/tags/list"), result.last().value()));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.value());
        body.put("tags", tags);
        ex.sendJson(HttpServletResponse.SC_OK, body);
    }
}
