package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.TagStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.wharf.testkit.MetadataFixtures.REPO;
import static dev.wharf.testkit.MetadataFixtures.SOME_TAGS;
import static dev.wharf.testkit.MetadataFixtures.SORTED_TAGS;
import static dev.wharf.testkit.MetadataFixtures.T0;
import static dev.wharf.testkit.MetadataFixtures.emptyPage;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static dev.wharf.testkit.MetadataFixtures.push;
import static dev.wharf.testkit.MetadataFixtures.repo;
import static dev.wharf.testkit.MetadataFixtures.walk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link TagStore} contract: tags resolve, list in ASCII order strictly after any cursor and are found by
 * their digest; each move that changes a tag is kept in its bounded history, newest first, after the tag and
 * its repository are gone. A push moves tags only from where they point (a compare-and-set), so of pushes that
 * race from the same state exactly one wins. Run through {@link MetadataStoreContract}.
 */
public interface TagStoreContract extends MetadataStoreUnderTest {

    private static List<String> values(Page<Tag> page) {
        return page.items().stream().map(Tag::value).toList();
    }

    private static TagMove move(String tag, Optional<ManifestRecord> from, Optional<ManifestRecord> to, Instant at) {
        return new TagMove(Tag.of(tag), from.map(ManifestRecord::digest), to.map(ManifestRecord::digest), at);
    }

    @Test
    default void shouldAnswerAbsenceForTagsNeverPushed() {
        MetadataStore store = store();
        Tag tag = Tag.of("latest");
        assertThat(store.resolveTag(REPO, tag)).isEmpty();
        assertThat(store.tags(REPO, Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(store.tagHistory(REPO, tag)).isEmpty();
        push(store, REPO, manifest("untagged"));
        assertThat(store.resolveTag(REPO, tag)).as("a repository without tags").isEmpty();
        assertThat(store.tags(REPO, Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(store.tagsOf(REPO, manifest("untagged").digest(), 10)).isEmpty();
        assertThat(store.deleteTag(REPO, tag, T0)).isFalse();
        assertThat(store.tagHistory(REPO, tag)).as("deleting an absent tag records nothing").isEmpty();
    }

    @Test
    default void shouldListTagsInAsciiOrderOneAtATime() {
        MetadataStore store = store();
        push(store, REPO, manifest("m"), SOME_TAGS.toArray(String[]::new));
        List<Tag> walked = walk(1, (after, limit) -> store.tags(REPO, after, limit), Tag::value);
        assertThat(walked).extracting(Tag::value).isEqualTo(SORTED_TAGS);
        assertThat(store.tags(REPO, Optional.of("latest"), 2)).as("a full last page has nothing more")
                .isEqualTo(new Page<>(List.of(Tag.of("v1"), Tag.of("v1.0")), false));
    }

    @Test
    default void shouldListTagsStrictlyAfterCursorsThatAreNotTags() {
        MetadataStore store = store();
        push(store, REPO, manifest("m"), SOME_TAGS.toArray(String[]::new));
        assertThat(values(store.tags(REPO, Optional.of(""), 100))).as("before the first").isEqualTo(SORTED_TAGS);
        assertThat(values(store.tags(REPO, Optional.of("-"), 100))).as("before the first").isEqualTo(SORTED_TAGS);
        assertThat(values(store.tags(REPO, Optional.of("a"), 100))).as("after a tag other tags extend")
                .containsExactly("a-b", "a.b", "a0", "a_b", "ab", "latest", "v1", "v1.0");
        assertThat(values(store.tags(REPO, Optional.of("a/"), 100))).as("between a.b and a0")
                .containsExactly("a0", "a_b", "ab", "latest", "v1", "v1.0");
        assertThat(values(store.tags(REPO, Optional.of("B"), 100))).as("between A and V2").startsWith("V2", "_x");
        assertThat(values(store.tags(REPO, Optional.of("v1"), 100))).containsExactly("v1.0");
        assertThat(store.tags(REPO, Optional.of("v1.0"), 100)).as("after the last").isEqualTo(emptyPage());
        assertThat(store.tags(REPO, Optional.of("~"), 100)).as("past the last").isEqualTo(emptyPage());
    }

    @Test
    default void shouldKeepTagsOfRepositoriesWhoseNamesArePrefixesOfEachOther() {
        MetadataStore store = store();
        ManifestRecord inA = manifest("in-a");
        ManifestRecord inAb = manifest("in-a/b");
        push(store, repo("a"), inA, "t", "only-a");
        push(store, repo("a/b"), inAb, "t", "only-a-b");
        push(store, repo("ab"), inAb, "t");
        assertThat(values(store.tags(repo("a"), Optional.empty(), 10))).containsExactly("only-a", "t");
        assertThat(values(store.tags(repo("a/b"), Optional.empty(), 10))).containsExactly("only-a-b", "t");
        assertThat(store.resolveTag(repo("a"), Tag.of("t"))).contains(inA.digest());
        assertThat(store.resolveTag(repo("a"), Tag.of("only-a-b"))).isEmpty();
        assertThat(store.tagsOf(repo("a"), inAb.digest(), 10)).isEmpty();
        assertThat(store.deleteTag(repo("a"), Tag.of("t"), T0)).isTrue();
        assertThat(store.resolveTag(repo("a/b"), Tag.of("t"))).contains(inAb.digest());
        assertThat(store.resolveTag(repo("ab"), Tag.of("t"))).contains(inAb.digest());
        assertThat(store.tags(repo("a/b/c"), Optional.empty(), 10)).isEqualTo(emptyPage());
    }

    @Test
    default void shouldMoveTagBetweenManifestsAndUpdateTagsOf() {
        MetadataStore store = store();
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        push(store, REPO, one, "x", "y");
        push(store, REPO, two, "y");
        assertThat(store.resolveTag(REPO, Tag.of("y"))).contains(two.digest());
        assertThat(store.tagsOf(REPO, one.digest(), 10)).extracting(Tag::value).containsExactly("x");
        assertThat(store.tagsOf(REPO, two.digest(), 10)).extracting(Tag::value).containsExactly("y");
        store.deleteManifest(REPO, one.digest(), T0);
        assertThat(store.resolveTag(REPO, Tag.of("y"))).as("a moved tag is not deleted with its old manifest")
                .contains(two.digest());
        assertThat(values(store.tags(REPO, Optional.empty(), 10))).containsExactly("y");
    }

    @Test
    default void shouldServeTheTaggedManifestWhereverTheTagPoints() {
        MetadataStore store = store();
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        push(store, REPO, one, "x");
        push(store, repo("elsewhere"), two, "x");
        assertThat(store.taggedManifestContent(REPO, Tag.of("x")).orElseThrow().bytes())
                .isEqualTo(one.manifest().bytes());
        assertThat(store.taggedManifestContent(REPO, Tag.of("x")).orElseThrow().digest()).isEqualTo(one.digest());
        assertThat(store.taggedManifestContent(REPO, Tag.of("y"))).as("no such tag").isEmpty();
        assertThat(store.taggedManifestContent(repo("nowhere"), Tag.of("x"))).as("no such repository").isEmpty();
        push(store, REPO, two, "x");
        assertThat(store.taggedManifestContent(REPO, Tag.of("x")).orElseThrow().digest()).as("moved")
                .isEqualTo(two.digest());
        assertThat(store.taggedManifestContent(REPO, Tag.of("x")).orElseThrow().mediaType())
                .isEqualTo(two.manifest().mediaType());
        store.deleteTag(REPO, Tag.of("x"), T0);
        assertThat(store.taggedManifestContent(REPO, Tag.of("x"))).as("deleted").isEmpty();
        assertThat(store.taggedManifestContent(repo("elsewhere"), Tag.of("x"))).isPresent();
    }

    @Test
    default void shouldListTagsOfADigestInAsciiOrderUpToTheLimit() {
        MetadataStore store = store();
        ManifestRecord m = manifest("m");
        push(store, REPO, m, "c", "a", "b", "B", "a.b");
        push(store, REPO, manifest("other"), "a0");
        assertThat(store.tagsOf(REPO, m.digest(), 10)).extracting(Tag::value)
                .containsExactly("B", "a", "a.b", "b", "c");
        assertThat(store.tagsOf(REPO, m.digest(), 1)).extracting(Tag::value).containsExactly("B");
        assertThat(store.tagsOf(REPO, m.digest(), 2)).extracting(Tag::value).containsExactly("B", "a");
        assertThat(store.tagsOf(REPO, m.digest(), 5)).hasSize(5);
    }

    @Test
    default void shouldDeleteOnlyTheTagAndRecordItsRemoval() {
        MetadataStore store = store();
        ManifestRecord m = manifest("m");
        push(store, REPO, m, "x", "y");
        Instant at = T0.plusSeconds(5);
        assertThat(store.deleteTag(REPO, Tag.of("x"), at)).isTrue();
        assertThat(store.resolveTag(REPO, Tag.of("x"))).isEmpty();
        assertThat(store.manifest(REPO, m.digest())).as("the manifest stays").isPresent();
        assertThat(store.tagsOf(REPO, m.digest(), 10)).extracting(Tag::value).containsExactly("y");
        assertThat(store.tagHistory(REPO, Tag.of("x"))).containsExactly(
                move("x", Optional.of(m), Optional.empty(), at), move("x", Optional.empty(), Optional.of(m), T0));
        assertThat(store.deleteTag(REPO, Tag.of("x"), at.plusSeconds(1))).isFalse();
        assertThat(store.tagHistory(REPO, Tag.of("x"))).as("a second delete records nothing").hasSize(2);
    }

    @Test
    default void shouldRecordCreationMoveAndRemovalNewestFirst() {
        MetadataStore store = store();
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        push(store, REPO, one, T0, "latest");
        push(store, REPO, two, T0.plusSeconds(1), "latest");
        store.deleteManifest(REPO, two.digest(), T0.plusSeconds(2));
        assertThat(store.tagHistory(REPO, Tag.of("latest"))).containsExactly(
                move("latest", Optional.of(two), Optional.empty(), T0.plusSeconds(2)),
                move("latest", Optional.of(one), Optional.of(two), T0.plusSeconds(1)),
                move("latest", Optional.empty(), Optional.of(one), T0));
    }

    @Test
    default void shouldNotRecordAPushThatLeavesTheTagWhereItWas() {
        MetadataStore store = store();
        ManifestRecord m = manifest("m");
        push(store, REPO, m, "latest");
        push(store, REPO, m, T0.plusSeconds(1), "latest");
        assertThat(store.tagHistory(REPO, Tag.of("latest"))).containsExactly(
                move("latest", Optional.empty(), Optional.of(m), T0));
        assertThat(store.resolveTag(REPO, Tag.of("latest"))).contains(m.digest());
    }

    @Test
    default void shouldBoundHistoryToTheNewestMoves() {
        MetadataStore store = store();
        int moves = TagStore.TAG_HISTORY_LIMIT + 5;
        List<Digest> newestFirst = new ArrayList<>();
        for (int i = 0; i < moves; i++) {
            ManifestRecord r = manifest("m" + i);
            push(store, REPO, r, T0.plusSeconds(i), "moving");
            newestFirst.add(0, r.digest());
        }
        List<TagMove> history = store.tagHistory(REPO, Tag.of("moving"));
        assertThat(history).extracting(m -> m.to().orElseThrow())
                .containsExactlyElementsOf(newestFirst.subList(0, TagStore.TAG_HISTORY_LIMIT));
        assertThat(history.get(TagStore.TAG_HISTORY_LIMIT - 1).from()).as("the oldest kept move")
                .contains(newestFirst.get(TagStore.TAG_HISTORY_LIMIT));
    }

    @Test
    default void shouldKeepHistoryAfterTheRepositoryIsGone() {
        MetadataStore store = store();
        ManifestRecord m = manifest("m");
        push(store, REPO, m, "latest");
        store.deleteManifest(REPO, m.digest(), T0.plusSeconds(1));
        assertThat(store.repositoryExists(REPO)).isFalse();
        assertThat(store.tagHistory(REPO, Tag.of("latest"))).hasSize(2);
        push(store, REPO, m, T0.plusSeconds(2), "latest");
        assertThat(store.tagHistory(REPO, Tag.of("latest"))).as("a recreated tag continues its history")
                .first().isEqualTo(move("latest", Optional.empty(), Optional.of(m), T0.plusSeconds(2)));
        assertThat(store.tagHistory(REPO, Tag.of("latest"))).hasSize(3);
    }

    @Test
    default void shouldKeepHistoriesOfPrefixTagsAndRepositoriesApart() {
        MetadataStore store = store();
        ManifestRecord m = manifest("m");
        push(store, repo("a"), m, "v1", "v1.0", "v10");
        push(store, repo("a/b"), m, "v1");
        push(store, repo("ab"), m, "v1");
        store.deleteTag(repo("a"), Tag.of("v1"), T0.plusSeconds(1));
        assertThat(store.tagHistory(repo("a"), Tag.of("v1"))).hasSize(2);
        assertThat(store.tagHistory(repo("a"), Tag.of("v1.0"))).hasSize(1);
        assertThat(store.tagHistory(repo("a"), Tag.of("v10"))).hasSize(1);
        assertThat(store.tagHistory(repo("a/b"), Tag.of("v1"))).hasSize(1);
        assertThat(store.tagHistory(repo("ab"), Tag.of("v1"))).hasSize(1);
        assertThat(store.tagHistory(repo("a"), Tag.of("v"))).isEmpty();
        assertThat(store.tagHistory(repo("a/b/c"), Tag.of("v1"))).isEmpty();
    }

    @Test
    default void shouldKeepTagsAndHistoryAcrossReopen() throws Exception {
        MetadataStore store = store();
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        push(store, REPO, one, "latest", "stable", "old");
        push(store, REPO, two, T0.plusSeconds(1), "latest");
        store.deleteTag(REPO, Tag.of("old"), T0.plusSeconds(2));
        store = reopen();
        assertThat(store.resolveTag(REPO, Tag.of("latest"))).contains(two.digest());
        assertThat(values(store.tags(REPO, Optional.empty(), 10))).containsExactly("latest", "stable");
        assertThat(store.tagsOf(REPO, one.digest(), 10)).extracting(Tag::value).containsExactly("stable");
        assertThat(store.tagHistory(REPO, Tag.of("latest"))).containsExactly(
                move("latest", Optional.of(one), Optional.of(two), T0.plusSeconds(1)),
                move("latest", Optional.empty(), Optional.of(one), T0));
        assertThat(store.tagHistory(REPO, Tag.of("old"))).first()
                .isEqualTo(move("old", Optional.of(one), Optional.empty(), T0.plusSeconds(2)));
    }

    @Test
    default void shouldKeepEveryMoveWhenTagsOfDifferentRepositoriesMoveConcurrently() throws Exception {
        MetadataStore store = store();
        int moves = 20;
        Parallel.run(Parallel.THREADS, t -> () -> {
            RepositoryName repository = repo("concurrent/r" + t);
            for (int i = 0; i < moves; i++) {
                push(store, repository, manifest("m" + i), T0.plusSeconds(i), "latest");
                if (i > 0) {
                    store.deleteManifest(repository, manifest("m" + (i - 1)).digest(), T0.plusSeconds(i));
                }
                store.sync();
            }
            return null;
        });
        for (int t = 0; t < Parallel.THREADS; t++) {
            RepositoryName repository = repo("concurrent/r" + t);
            assertThat(store.resolveTag(repository, Tag.of("latest"))).contains(manifest("m" + (moves - 1)).digest());
            assertThat(store.tagHistory(repository, Tag.of("latest"))).hasSize(moves);
            assertThat(store.tagsOf(repository, manifest("m" + (moves - 1)).digest(), 10)).hasSize(1);
        }
    }

    @Test
    default void shouldRefuseAPushWhoseTagsNoLongerPointWhereItReadThemAndChangeNothing() {
        MetadataStore store = store();
        ManifestRecord one = manifest("one");
        ManifestRecord two = manifest("two");
        Tag latest = Tag.of("latest");
        push(store, REPO, one, "latest");
        Instant later = T0.plusSeconds(1);
        TagMove asIfAbsent = new TagMove(latest, Optional.empty(), Optional.of(two.digest()), later);
        TagMove fromElsewhere = new TagMove(latest, Optional.of(manifest("three").digest()), Optional.of(two.digest()),
                later);
        TagMove createExisting = new TagMove(Tag.of("fresh"), Optional.of(one.digest()), Optional.of(two.digest()),
                later);
        TagMove fresh = new TagMove(Tag.of("fresh"), Optional.empty(), Optional.of(two.digest()), later);
        assertThat(store.putManifest(REPO, two, List.of(asIfAbsent))).as("the tag exists").isFalse();
        assertThat(store.putManifest(REPO, two, List.of(fromElsewhere))).as("the tag points elsewhere").isFalse();
        assertThat(store.putManifest(REPO, two, List.of(createExisting))).as("the tag does not exist").isFalse();
        assertThat(store.putManifest(REPO, two, List.of(fresh, asIfAbsent))).as("one stale move refuses all")
                .isFalse();
        assertThat(store.resolveTag(REPO, latest)).contains(one.digest());
        assertThat(store.resolveTag(REPO, Tag.of("fresh"))).isEmpty();
        assertThat(store.manifest(REPO, two.digest())).as("a refused push stores no manifest").isEmpty();
        assertThat(store.tagsOf(REPO, one.digest(), 10)).extracting(Tag::value).containsExactly("latest");
        assertThat(store.tagsOf(REPO, two.digest(), 10)).isEmpty();
        assertThat(store.tagHistory(REPO, latest)).hasSize(1);
        assertThat(store.tagHistory(REPO, Tag.of("fresh"))).isEmpty();

        TagMove moved = new TagMove(latest, Optional.of(one.digest()), Optional.of(two.digest()), later);
        assertThat(store.putManifest(REPO, two, List.of(fresh, moved))).isTrue();
        assertThat(store.resolveTag(REPO, latest)).contains(two.digest());
        assertThat(store.tagsOf(REPO, two.digest(), 10)).extracting(Tag::value).containsExactly("fresh", "latest");
        assertThat(store.tagHistory(REPO, latest)).first().isEqualTo(moved);
    }

    @Test
    default void shouldLetOneOfTheMovesThatRaceFromOneStateWinAndKeepHistoryAChain() throws Exception {
        MetadataStore store = store();
        Tag tag = Tag.of("contended");
        int movesPerThread = 12;
        Parallel.run(Parallel.THREADS, t -> () -> {
            for (int i = 0; i < movesPerThread; i++) {
                ManifestRecord m = manifest("race-" + t + "-" + i);
                boolean moved = false;
                while (!moved) { // read where the tag points, then move it from there if no other push won
                    TagMove move = new TagMove(tag, store.resolveTag(REPO, tag), Optional.of(m.digest()),
                            T0.plusSeconds(i));
                    moved = store.putManifest(REPO, m, List.of(move));
                }
                store.sync();
            }
            return null;
        });
        int total = Parallel.THREADS * movesPerThread;
        List<TagMove> history = store.tagHistory(REPO, tag);
        assertThat(history).hasSize(Math.min(total, TagStore.TAG_HISTORY_LIMIT));
        for (int i = 0; i + 1 < history.size(); i++) {
            assertThat(history.get(i).from()).as("each kept move starts where the one before it ended")
                    .isEqualTo(history.get(i + 1).to());
        }
        Digest last = store.resolveTag(REPO, tag).orElseThrow();
        assertThat(history.get(0).to()).contains(last);
        for (int t = 0; t < Parallel.THREADS; t++) {
            for (int i = 0; i < movesPerThread; i++) {
                Digest d = manifest("race-" + t + "-" + i).digest();
                assertThat(store.manifest(REPO, d)).as("every winning push stored its manifest").isPresent();
                assertThat(store.tagsOf(REPO, d, 10)).as("only the tag's target lists it")
                        .hasSize(d.equals(last) ? 1 : 0);
            }
        }
    }
}
