package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.SearchIndex;
import dev.wharf.spi.SearchIndex.Entry;
import dev.wharf.spi.SearchIndex.Position;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static dev.wharf.testkit.MetadataFixtures.T0;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static dev.wharf.testkit.MetadataFixtures.push;
import static dev.wharf.testkit.MetadataFixtures.repo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SearchIndex} contract, for stores that keep one ({@link MetadataStore#searchIndex()}; skipped, saying
 * why, for those that do not): one entry per tag, in each order, both ways, registry-wide and per repository,
 * page by page from any position; each saying what its manifest is (media and artifact type, size,
 * annotations); kept by pushes, tag moves, pushes of a manifest again, and deletes; durable;
 * and never out of step with the tags under concurrent changes. The expected entries come from the store's other
 * roles: its tags, the manifests they point at (push time and what they are) and each tag's history (its last
 * move).
 * Run through {@link MetadataStoreContract}.
 */
public interface SearchIndexContract extends MetadataStoreUnderTest {

    private SearchIndex index() {
        Optional<SearchIndex> index = store().searchIndex();
        Assumptions.assumeTrue(index.isPresent(), "the store keeps no search index (searchIndex() is empty)");
        return index.get();
    }

    /**
     * Every tag as the other roles tell it: digest, its manifest's push time, the tag's last move. Right while no
     * manifest is pushed again: that gives only the tags the push names the new push time.
     */
    private List<Entry> oracle(Optional<RepositoryName> only) {
        MetadataStore store = store();
        List<RepositoryName> repositories = only.map(List::of).orElseGet(() ->
                MetadataFixtures.walk(7, store::repositories, RepositoryName::value));
        List<Entry> all = new ArrayList<>();
        for (RepositoryName repository : repositories) {
            for (Tag tag : MetadataFixtures.walk(7, (after, n) -> store.tags(repository, after, n), Tag::value)) {
                Digest digest = store.resolveTag(repository, tag).orElseThrow();
                ManifestRecord record = store.manifest(repository, digest).orElseThrow();
                TagMove last = store.tagHistory(repository, tag).get(0);
                all.add(Entry.of(repository, tag, record, last.at()));
            }
        }
        return all;
    }

    private static Comparator<Entry> order(SearchQuery.Sort sort) {
        Comparator<Entry> name = Comparator.comparing((Entry e) -> e.repository().value())
                .thenComparing(e -> e.tag().value());
        return switch (sort) {
            case NAME -> name;
            case PUSHED -> Comparator.comparing(Entry::pushedAt).thenComparing(name);
            case UPDATED -> Comparator.comparing(Entry::updatedAt).thenComparing(name);
        };
    }

    private static List<Entry> sorted(List<Entry> entries, SearchQuery.Sort sort, boolean descending) {
        Comparator<Entry> order = order(sort);
        return entries.stream().sorted(descending ? order.reversed() : order).toList();
    }

    /** Every entry of the listing, page by page, each page continuing after the last entry of the one before. */
    private List<Entry> walk(SearchQuery.Sort sort, Optional<RepositoryName> repository, boolean descending,
                             int limit) {
        SearchIndex index = index();
        List<Entry> all = new ArrayList<>();
        Optional<Position> after = Optional.empty();
        while (true) {
            List<Entry> page = index.entries(sort, repository, after, descending, limit);
            assertThat(page).as("a page of %d after %s", limit, after).hasSizeLessThanOrEqualTo(limit);
            all.addAll(page);
            if (page.size() < limit) {
                return all;
            }
            after = Optional.of(page.get(page.size() - 1).position(sort));
        }
    }

    private void assertEveryListingMatchesTheTags(int... limits) {
        List<Entry> everything = oracle(Optional.empty());
        List<Optional<RepositoryName>> scopes = new ArrayList<>();
        scopes.add(Optional.empty());
        everything.stream().map(Entry::repository).distinct().forEach(r -> scopes.add(Optional.of(r)));
        for (Optional<RepositoryName> scope : scopes) {
            List<Entry> expected = scope.isEmpty() ? everything
                    : everything.stream().filter(e -> e.repository().equals(scope.get())).toList();
            for (SearchQuery.Sort sort : SearchQuery.Sort.values()) {
                for (boolean descending : new boolean[] {false, true}) {
                    for (int limit : limits) {
                        assertThat(walk(sort, scope, descending, limit))
                                .as("%s %s in %s, %d a page", sort, descending ? "descending" : "ascending",
                                        scope.map(RepositoryName::value).orElse("the registry"), limit)
                                .containsExactlyElementsOf(sorted(expected, sort, descending));
                    }
                }
            }
        }
    }

    /** Repositories whose names are prefixes of each other, tags pushed out of order, times with ties. */
    private void pushMixedFixture() {
        MetadataStore store = store();
        String[] repositories = {"a/b", "a0", "a", "a-b"};
        String[] tags = {"v2", "latest", "V1", "0", "a.b"};
        int n = 0;
        for (String name : repositories) {
            for (String tag : tags) {
                n++;
                // push times repeat every three manifests and update times every two, so ties need the names
                ManifestRecord record = manifest(name + ":" + tag).withPushedAt(T0.plusMillis(n % 3 * 1000));
                push(store, repo(name), record, T0.plusMillis(5_000 - n % 2 * 7), tag);
            }
        }
        // one manifest with several tags, in a repository of its own
        push(store, repo("a/b/c"), manifest("shared").withPushedAt(T0.plusSeconds(9)), T0.plusSeconds(10),
                "x", "y", "z");
    }

    @Test
    default void shouldListEveryTagInEachOrderBothWaysRegistryWideAndPerRepositoryPageByPage() {
        index();
        pushMixedFixture();
        assertThat(oracle(Optional.empty())).hasSize(23);
        assertEveryListingMatchesTheTags(1, 3, 100);
    }

    @Test
    default void shouldMoveAnEntryWhenItsTagMovesAndKeepItsUpdateTimeWhenItDoesNot() {
        SearchIndex index = index();
        MetadataStore store = store();
        RepositoryName repository = repo("team/app");
        ManifestRecord one = manifest("one").withPushedAt(T0);
        ManifestRecord two = manifest("two").withPushedAt(T0.plusSeconds(1));
        push(store, repository, one, T0, "latest");
        push(store, repository, two, T0.plusSeconds(2), "latest");
        assertThat(index.entries(SearchQuery.Sort.NAME, Optional.empty(), Optional.empty(), false, 10))
                .containsExactly(Entry.of(repository, Tag.of("latest"), two, T0.plusSeconds(2)));

        // pushed again, later, to the same tag: the push time changes, the tag did not move
        push(store, repository, two.withPushedAt(T0.plusSeconds(3)), T0.plusSeconds(4), "latest");
        assertThat(index.entries(SearchQuery.Sort.UPDATED, Optional.of(repository), Optional.empty(), true, 10))
                .containsExactly(Entry.of(repository, Tag.of("latest"), two.withPushedAt(T0.plusSeconds(3)),
                        T0.plusSeconds(2)));
        assertEveryListingMatchesTheTags(1, 10);
    }

    @Test
    default void shouldResortOnlyTheTagsAPushNamesWhenAManifestIsPushedAgain() {
        SearchIndex index = index();
        MetadataStore store = store();
        RepositoryName repository = repo("team/app");
        ManifestRecord old = manifest("old").withPushedAt(T0);
        ManifestRecord newer = manifest("newer").withPushedAt(T0.plusSeconds(1));
        push(store, repository, old, T0, "a", "b");
        push(store, repository, newer, T0.plusSeconds(1), "c");
        push(store, repository, old.withPushedAt(T0.plusSeconds(2)), T0.plusSeconds(2)); // no tags this time
        assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.empty(), Optional.empty(), false, 10))
                .as("a push by digest names no tag").extracting(e -> e.tag().value()).containsExactly("a", "b", "c");

        push(store, repository, old.withPushedAt(T0.plusSeconds(3)), T0.plusSeconds(3), "b", "d");
        assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.empty(), Optional.empty(), false, 10))
                .extracting(e -> e.tag().value()).containsExactly("a", "c", "b", "d");
        assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.of(repository), Optional.empty(), false, 10))
                .extracting(e -> e.pushedAt()).containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(3),
                        T0.plusSeconds(3));
        assertThat(index.entries(SearchQuery.Sort.UPDATED, Optional.empty(), Optional.empty(), false, 10))
                .as("b did not move").extracting(e -> e.tag().value()).containsExactly("a", "b", "c", "d");
        assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.empty(), Optional.empty(), true, 10))
                .extracting(e -> e.tag().value()).containsExactly("d", "b", "c", "a");
        // (the oracle takes each tag's push time from its manifest's record, which a push again makes the newest)
    }

    @Test
    default void shouldForgetDeletedTagsAndTheTagsOfDeletedManifests() {
        SearchIndex index = index();
        MetadataStore store = store();
        pushMixedFixture();
        store.deleteTag(repo("a"), Tag.of("latest"), T0.plusSeconds(20));
        store.deleteManifest(repo("a/b/c"), manifest("shared").digest(), T0.plusSeconds(20));
        store.deleteManifest(repo("a0"), manifest("a0:v2").digest(), T0.plusSeconds(20));

        List<Entry> all = index.entries(SearchQuery.Sort.NAME, Optional.empty(), Optional.empty(), false, 100);
        assertThat(all).hasSize(18).noneMatch(e -> e.repository().value().equals("a/b/c"))
                .noneMatch(e -> e.repository().value().equals("a") && e.tag().value().equals("latest"))
                .noneMatch(e -> e.repository().value().equals("a0") && e.tag().value().equals("v2"));
        assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.of(repo("a/b/c")), Optional.empty(), true, 10))
                .isEmpty();
        assertEveryListingMatchesTheTags(2, 100);
    }

    @Test
    default void shouldContinueFromPositionsThatAreNoEntry() {
        SearchIndex index = index();
        pushMixedFixture();
        List<Entry> all = oracle(Optional.empty());

        assertThat(index.entries(SearchQuery.Sort.NAME, Optional.empty(), Optional.of(new Position(T0, "a/", "")),
                false, 100)).as("names after the prefix a/")
                .containsExactlyElementsOf(sorted(all, SearchQuery.Sort.NAME, false).stream()
                        .filter(e -> e.repository().value().compareTo("a/") > 0).toList());
        assertThat(index.entries(SearchQuery.Sort.NAME, Optional.empty(), Optional.of(new Position(T0, "a/", "~")),
                true, 100)).as("names before a/ and its tags, descending")
                .containsExactlyElementsOf(sorted(all, SearchQuery.Sort.NAME, true).stream()
                        .filter(e -> e.repository().value().compareTo("a/") < 0).toList());
        Instant second = T0.plusSeconds(1);
        assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.empty(), Optional.of(new Position(second, "", "")),
                true, 100)).as("pushed strictly before %s, newest first", second)
                .isNotEmpty()
                .containsExactlyElementsOf(sorted(all, SearchQuery.Sort.PUSHED, true).stream()
                        .filter(e -> e.pushedAt().isBefore(second)).toList());
        assertThat(index.entries(SearchQuery.Sort.UPDATED, Optional.of(repo("a")),
                Optional.of(new Position(T0.plusMillis(4_999), "ignored", "")), false, 100))
                .as("updated in repository a from %s on", T0.plusMillis(4_999))
                .containsExactlyElementsOf(sorted(all, SearchQuery.Sort.UPDATED, false).stream()
                        .filter(e -> e.repository().value().equals("a"))
                        .filter(e -> e.updatedAt().isAfter(T0.plusMillis(4_998))).toList());
    }

    @Test
    default void shouldKeepEntriesWhenReopened() throws Exception {
        index();
        pushMixedFixture();
        store().deleteTag(repo("a-b"), Tag.of("0"), T0.plusSeconds(30));
        List<Entry> before = oracle(Optional.empty());
        reopen();
        assertThat(oracle(Optional.empty())).containsExactlyInAnyOrderElementsOf(before);
        assertEveryListingMatchesTheTags(4);
    }

    @Test
    default void shouldAgreeWithTheTagsAfterConcurrentPushesMovesAndDeletes() throws Exception {
        index();
        MetadataStore store = store();
        int rounds = 15;
        Parallel.run(Parallel.THREADS, t -> () -> {
            RepositoryName own = repo("concurrent/r" + t);
            RepositoryName shared = repo("concurrent/shared");
            for (int i = 0; i < rounds; i++) {
                Instant at = T0.plusSeconds(i).plusMillis(t);
                push(store, own, manifest("m" + t + "-" + i).withPushedAt(at), at, "latest", "v" + i);
                if (i % 3 == 2) {
                    store.deleteTag(own, Tag.of("v" + (i - 1)), at);
                    store.deleteManifest(own, manifest("m" + t + "-" + (i - 2)).digest(), at);
                }
                ManifestRecord mine = manifest("shared" + t + "-" + i).withPushedAt(at);
                boolean moved = false;
                while (!moved) { // contended tag: read where it points, move it from there if no other push won
                    Tag tag = Tag.of("contended");
                    moved = store.putManifest(shared, mine,
                            List.of(new TagMove(tag, store.resolveTag(shared, tag), Optional.of(mine.digest()), at)));
                }
                store.sync();
            }
            return null;
        });
        assertEveryListingMatchesTheTags(5, 1000);
    }
}
