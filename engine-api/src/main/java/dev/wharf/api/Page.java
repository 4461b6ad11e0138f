package dev.wharf.api;

import java.util.List;

/**
 * One page of an ordered listing (tags, repositories, referrers).
 *
 * @param items   the page's items, in order
 * @param hasMore true if items follow the last one on this page
 * @param <T>     the item type
 */
public record Page<T>(List<T> items, boolean hasMore) {
    public Page {
        items = List.copyOf(items);
    }

    /** The last item, to continue from. */
    public T last() {
        return items.get(items.size() - 1);
    }
}
