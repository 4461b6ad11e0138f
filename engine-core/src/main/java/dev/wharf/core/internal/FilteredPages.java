package dev.wharf.core.internal;

import dev.wharf.api.Page;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fills a page from an ordered store listing while a filter drops items (what the caller may not read, what
 * does not match a query): reads store pages until {@code limit} items are kept and one more that would be
 * kept is seen, or the listing ends. So a page reports more exactly when another kept item follows it: a
 * continuation never leads to an empty page, and never hints at items the filter hides.
 */
final class FilteredPages {
    private FilteredPages() {
    }

    /**
     * @param listing  a store listing: the page after a cursor (exclusive), at most the given size
     * @param keep     which items the page may show
     * @param cursorOf the cursor that continues after an item
     */
    static <T, C> Page<T> fill(ListingPage<T, C> listing, Predicate<T> keep, Function<T, C> cursorOf,
                               Optional<C> after, int limit) {
        if (limit <= 0) {
            return new Page<>(List.of(), false);
        }
        List<T> kept = new ArrayList<>(Math.min(limit, 1024));
        Optional<C> cursor = after;
        // One more than the page: when nothing is filtered, that item alone says whether a next page exists.
        int full = limit == Integer.MAX_VALUE ? limit : limit + 1;
        int want = full;
        int lookahead = 1;
        while (true) {
            Page<T> page = listing.after(cursor, want);
            for (T item : page.items()) {
                if (keep.test(item)) {
                    if (kept.size() == limit) {
                        return new Page<>(kept, true); // a kept item follows the page: there is a next one
                    }
                    kept.add(item);
                }
            }
            if (!page.hasMore()) {
                return new Page<>(kept, false);
            }
            cursor = Optional.of(cursorOf.apply(page.last()));
            if (kept.size() < limit) {
                want = full;
            } else {
                // The page is full and what followed it was dropped: look ahead for one kept item, reading twice
                // as many each time the filter drops all it read (up to a page).
                want = lookahead;
                lookahead = Math.min(limit, lookahead * 2);
            }
        }
    }

    /** One page of an ordered listing. */
    @FunctionalInterface
    interface ListingPage<T, C> {
        Page<T> after(Optional<C> cursor, int limit);
    }
}
