package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.RepositoryLinks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static dev.wharf.testkit.MetadataFixtures.PREFIX_NAMES;
import static dev.wharf.testkit.MetadataFixtures.REPO;
import static dev.wharf.testkit.MetadataFixtures.T0;
import static dev.wharf.testkit.MetadataFixtures.digest;
import static dev.wharf.testkit.MetadataFixtures.emptyPage;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static dev.wharf.testkit.MetadataFixtures.push;
import static dev.wharf.testkit.MetadataFixtures.repo;
import static dev.wharf.testkit.MetadataFixtures.reversed;
import static dev.wharf.testkit.MetadataFixtures.walk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link RepositoryLinks} contract: a repository exists exactly while it links a blob or holds a manifest;
 * links are idempotent; both listings are in ASCII name order, strictly after any cursor, and never confuse
 * names that are prefixes of one another. Run through {@link MetadataStoreContract}.
 */
public interface RepositoryLinksContract extends MetadataStoreUnderTest {

    private static List<String> names(Page<RepositoryName> page) {
        return page.items().stream().map(RepositoryName::value).toList();
    }

    private List<String> links() {
        List<String> links = new ArrayList<>();
        store().forEachLink((repository, digest) -> links.add(repository + "@" + digest));
        return links;
    }

    @Test
    default void shouldAnswerAbsenceWhenNothingIsLinked() {
        MetadataStore store = store();
        assertThat(store.repositoryExists(REPO)).isFalse();
        assertThat(store.repositories(Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(store.isBlobLinked(REPO, digest("a"))).isFalse();
        assertThat(store.repositoriesLinking(digest("a"), Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(store.unlinkBlob(REPO, digest("a"))).isFalse();
        assertThat(store.repositoryExists(REPO)).as("an unlink of nothing creates nothing").isFalse();
        assertThat(links()).isEmpty();
    }

    @Test
    default void shouldCreateRepositoryWithFirstLinkAndDropItWithLast() {
        MetadataStore store = store();
        store.linkBlob(REPO, digest("one"));
        store.linkBlob(REPO, digest("two"));
        assertThat(store.repositoryExists(REPO)).isTrue();
        assertThat(names(store.repositories(Optional.empty(), 10))).containsExactly(REPO.value());
        assertThat(store.unlinkBlob(REPO, digest("one"))).isTrue();
        assertThat(store.repositoryExists(REPO)).as("one link is left").isTrue();
        assertThat(store.isBlobLinked(REPO, digest("two"))).isTrue();
        assertThat(store.unlinkBlob(REPO, digest("two"))).isTrue();
        assertThat(store.repositoryExists(REPO)).as("the last link is gone").isFalse();
        assertThat(store.repositories(Optional.empty(), 10)).isEqualTo(emptyPage());
    }

    @Test
    default void shouldLinkIdempotently() {
        MetadataStore store = store();
        Digest d = digest("twice");
        store.linkBlob(REPO, d);
        store.linkBlob(REPO, d);
        assertThat(links()).containsExactly(REPO + "@" + d);
        assertThat(names(store.repositoriesLinking(d, Optional.empty(), 10))).containsExactly(REPO.value());
        assertThat(store.unlinkBlob(REPO, d)).as("one unlink undoes any number of links").isTrue();
        assertThat(store.isBlobLinked(REPO, d)).isFalse();
        assertThat(store.unlinkBlob(REPO, d)).isFalse();
        assertThat(store.repositoryExists(REPO)).isFalse();
    }

    @Test
    default void shouldKeepRepositoryWhileItHoldsAManifestOrALink() {
        MetadataStore store = store();
        store.linkBlob(REPO, digest("layer"));
        push(store, REPO, manifest("m"));
        assertThat(store.unlinkBlob(REPO, digest("layer"))).isTrue();
        assertThat(store.repositoryExists(REPO)).as("the manifest keeps it").isTrue();
        store.linkBlob(REPO, digest("layer"));
        assertThat(store.deleteManifest(REPO, manifest("m").digest(), T0)).isTrue();
        assertThat(store.repositoryExists(REPO)).as("the link keeps it").isTrue();
        assertThat(store.unlinkBlob(REPO, digest("layer"))).isTrue();
        assertThat(store.repositoryExists(REPO)).isFalse();
    }

    @Test
    default void shouldListRepositoriesInAsciiOrderOneAtATime() {
        MetadataStore store = store();
        reversed(PREFIX_NAMES).forEach(name -> store.linkBlob(repo(name), digest("b")));
        List<RepositoryName> walked = walk(1, (after, limit) -> store.repositories(after, limit),
                RepositoryName::value);
        assertThat(walked).extracting(RepositoryName::value)
                .containsExactly("a", "a-b", "a.b", "a/b", "a/b/c", "a0", "a_b", "ab");
        assertThat(store.repositories(Optional.of("a0"), 2)).as("a full last page has nothing more")
                .isEqualTo(new Page<>(List.of(repo("a_b"), repo("ab")), false));
    }

    @Test
    default void shouldListRepositoriesStrictlyAfterCursorsThatAreNotNames() {
        MetadataStore store = store();
        PREFIX_NAMES.forEach(name -> store.linkBlob(repo(name), digest("b")));
        assertThat(names(store.repositories(Optional.of(""), 100))).as("before the first").isEqualTo(PREFIX_NAMES);
        assertThat(names(store.repositories(Optional.of("0"), 100))).as("before the first").isEqualTo(PREFIX_NAMES);
        assertThat(names(store.repositories(Optional.of("a"), 100))).as("after a name other names extend")
                .containsExactly("a-b", "a.b", "a/b", "a/b/c", "a0", "a_b", "ab");
        assertThat(names(store.repositories(Optional.of("a/a"), 100))).as("between a.b and a/b")
                .containsExactly("a/b", "a/b/c", "a0", "a_b", "ab");
        assertThat(names(store.repositories(Optional.of("a/b"), 100))).containsExactly("a/b/c", "a0", "a_b", "ab");
        assertThat(store.repositories(Optional.of("ab"), 100)).as("after the last").isEqualTo(emptyPage());
        assertThat(store.repositories(Optional.of("zzz"), 100)).as("past the last").isEqualTo(emptyPage());
    }

    @Test
    default void shouldNotConfuseRepositoriesWhoseNamesArePrefixesOfEachOther() {
        MetadataStore store = store();
        Digest d = digest("shared");
        store.linkBlob(repo("a/b"), d);
        store.linkBlob(repo("ab"), d);
        for (String other : List.of("a", "a/b/c", "a0")) {
            assertThat(store.isBlobLinked(repo(other), d)).as("linked in %s?", other).isFalse();
            assertThat(store.repositoryExists(repo(other))).as("%s exists?", other).isFalse();
        }
        store.linkBlob(repo("a"), digest("own"));
        assertThat(store.unlinkBlob(repo("a"), digest("own"))).isTrue();
        assertThat(store.repositoryExists(repo("a"))).as("a's last link is gone; a/b and ab are not a's").isFalse();
        assertThat(store.repositoryExists(repo("a/b"))).isTrue();
        assertThat(store.isBlobLinked(repo("ab"), d)).isTrue();
    }

    @Test
    default void shouldListRepositoriesLinkingADigestInOrderAfterAnyCursor() {
        MetadataStore store = store();
        Digest d = digest("shared");
        reversed(PREFIX_NAMES).forEach(name -> store.linkBlob(repo(name), d));
        store.linkBlob(repo("a/a"), digest("other"));
        store.linkBlob(repo("zz"), digest("other"));
        List<RepositoryName> walked = walk(1, (after, limit) -> store.repositoriesLinking(d, after, limit),
                (RepositoryName r) -> r);
        assertThat(walked).extracting(RepositoryName::value).isEqualTo(PREFIX_NAMES);
        assertThat(names(store.repositoriesLinking(d, Optional.of(repo("0")), 100))).as("before the first")
                .isEqualTo(PREFIX_NAMES);
        assertThat(names(store.repositoriesLinking(d, Optional.of(repo("a/a")), 100)))
                .as("after a name that does not link it, between a.b and a/b")
                .containsExactly("a/b", "a/b/c", "a0", "a_b", "ab");
        assertThat(names(store.repositoriesLinking(d, Optional.of(repo("a")), 2)))
                .containsExactly("a-b", "a.b");
        assertThat(store.repositoriesLinking(d, Optional.of(repo("ab")), 100)).isEqualTo(emptyPage());
        assertThat(store.repositoriesLinking(d, Optional.of(repo("b")), 100)).isEqualTo(emptyPage());
    }

    @Test
    default void shouldForgetLinkingRepositoriesAsTheyUnlink() {
        MetadataStore store = store();
        Digest d = digest("shared");
        store.linkBlob(repo("one"), d);
        store.linkBlob(repo("two"), d);
        store.linkBlob(repo("two"), digest("kept"));
        assertThat(store.unlinkBlob(repo("one"), d)).isTrue();
        assertThat(names(store.repositoriesLinking(d, Optional.empty(), 10))).containsExactly("two");
        assertThat(store.unlinkBlob(repo("two"), d)).isTrue();
        assertThat(store.repositoriesLinking(d, Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(names(store.repositoriesLinking(digest("kept"), Optional.empty(), 10))).containsExactly("two");
    }

    @Test
    default void shouldVisitEveryLinkOnce() {
        MetadataStore store = store();
        store.linkBlob(REPO, digest("1"));
        store.linkBlob(REPO, digest("2"));
        store.linkBlob(REPO, digest("3"));
        store.linkBlob(repo("a"), digest("1"));
        store.linkBlob(repo("a/b"), digest("4"));
        store.unlinkBlob(REPO, digest("2"));
        assertThat(links()).containsExactlyInAnyOrder(REPO + "@" + digest("1"), REPO + "@" + digest("3"),
                "a@" + digest("1"), "a/b@" + digest("4"));
    }

    @Test
    default void shouldKeepLinksAndRepositoriesAcrossReopen() throws Exception {
        MetadataStore store = store();
        store.linkBlob(REPO, digest("kept"));
        store.linkBlob(repo("gone"), digest("dropped"));
        store.unlinkBlob(repo("gone"), digest("dropped"));
        store = reopen();
        assertThat(store.isBlobLinked(REPO, digest("kept"))).isTrue();
        assertThat(store.isBlobLinked(repo("gone"), digest("dropped"))).isFalse();
        assertThat(names(store.repositories(Optional.empty(), 10))).containsExactly(REPO.value());
        assertThat(names(store.repositoriesLinking(digest("kept"), Optional.empty(), 10)))
                .containsExactly(REPO.value());
        assertThat(store.repositoriesLinking(digest("dropped"), Optional.empty(), 10)).isEqualTo(emptyPage());
    }

    @Test
    default void shouldKeepEveryLinkWhenRepositoriesAreLinkedConcurrently() throws Exception {
        MetadataStore store = store();
        int perRepository = 40;
        Parallel.run(Parallel.THREADS, t -> () -> {
            RepositoryName repository = repo("concurrent/r" + t);
            for (int i = 0; i < perRepository; i++) {
                store.linkBlob(repository, digest("blob" + i));
                if (i % 2 == 1) {
                    store.unlinkBlob(repository, digest("blob" + (i - 1)));
                }
                store.sync();
            }
            return null;
        });
        assertThat(links()).hasSize(Parallel.THREADS * perRepository / 2);
        assertThat(names(store.repositories(Optional.empty(), 100))).containsExactlyElementsOf(
                IntStream.range(0, Parallel.THREADS).mapToObj(t -> "concurrent/r" + t).toList());
        assertThat(store.repositoriesLinking(digest("blob1"), Optional.empty(), 100).items())
                .hasSize(Parallel.THREADS);
    }
}
