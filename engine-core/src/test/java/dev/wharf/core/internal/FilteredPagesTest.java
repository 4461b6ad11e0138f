package dev.wharf.core.internal;

import dev.wharf.api.Page;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Filling a page from an ordered listing through a filter: exact continuation, bounded extra reads. */
class FilteredPagesTest {
    /** Names 000..count-1 in order, recording the size of each request. */
    private static final class Listing implements FilteredPages.ListingPage<String, String> {
        final List<String> names;
        final List<Integer> asked = new ArrayList<>();

        Listing(int count) {
            names = IntStream.range(0, count).mapToObj(i -> String.format("%03d", i)).toList();
        }

        @Override
        public Page<String> after(Optional<String> cursor, int limit) {
            asked.add(limit);
            List<String> tail = names.stream().filter(n -> cursor.isEmpty() || n.compareTo(cursor.get()) > 0).toList();
            return new Page<>(tail.subList(0, Math.min(limit, tail.size())), tail.size() > limit);
        }
    }

    private static Page<String> fill(Listing listing, Predicate<String> keep, Optional<String> after, int limit) {
        return FilteredPages.fill(listing, keep, s -> s, after, limit);
    }

    @Test
    void shouldReadTheListingOnceWhenNothingIsFiltered() {
        Listing listing = new Listing(250);
        Page<String> page = fill(listing, s -> true, Optional.empty(), 100);
        assertThat(page.items()).hasSize(100).startsWith("000").endsWith("099");
        assertThat(page.hasMore()).isTrue();
        assertThat(listing.asked).as("one key past the page answers hasMore").containsExactly(101);
    }

    @Test
    void shouldSayNoMoreWhenOnlyHiddenItemsFollow() {
        Listing listing = new Listing(300);
        Page<String> page = fill(listing, s -> s.compareTo("100") < 0, Optional.empty(), 100);
        assertThat(page.items()).hasSize(100);
        assertThat(page.hasMore()).as("the 200 names after the page are all hidden").isFalse();
        assertThat(listing.asked).startsWith(101, 1, 2, 4).allSatisfy(n -> assertThat(n).isBetween(1, 101));
    }

    @Test
    void shouldFillAcrossStorePagesAndContinueAfterTheCursor() {
        Listing listing = new Listing(100);
        Page<String> first = fill(listing, s -> Integer.parseInt(s) % 10 == 0, Optional.empty(), 3);
        assertThat(first.items()).containsExactly("000", "010", "020");
        assertThat(first.hasMore()).isTrue();
        Page<String> rest = fill(listing, s -> Integer.parseInt(s) % 10 == 0, Optional.of(first.last()), 10);
        assertThat(rest.items()).containsExactly("030", "040", "050", "060", "070", "080", "090");
        assertThat(rest.hasMore()).isFalse();
    }

    @Test
    void shouldAnswerAnEmptyPageForAZeroLimitWithoutReading() {
        Listing listing = new Listing(10);
        assertThat(fill(listing, s -> true, Optional.empty(), 0).items()).isEmpty();
        assertThat(listing.asked).isEmpty();
    }
}
