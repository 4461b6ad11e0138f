package dev.wharf.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a search of a registry's tags ({@link SearchQuery}).
 *
 * @param results the page's results, in the query's order; only ever what the caller may pull
 * @param next    an opaque cursor to pass as {@link SearchQuery#withCursor} for the next page; empty at the end.
 *                It is bound to the query and the caller, and checked for tampering; it reveals nothing
 */
public record SearchPage(List<SearchResult> results, Optional<String> next) {
    public SearchPage {
        results = List.copyOf(results);
        Objects.requireNonNull(next, "next");
    }
}
