package dev.wharf.testkit;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.UploadRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link MetadataStore} contract, run unchanged against every implementation: extend it and say how to
 * open a store (and, for durable stores, how to reopen the same one).
 */
public abstract class MetadataStoreContract {
    protected static final RepositoryName REPO = RepositoryName.of("team/app");
    protected MetadataStore store;

    /** A fresh, empty store. */
    protected abstract MetadataStore openStore() throws Exception;

    /** The same store after close and reopen, or null for stores that do not persist. */
    protected MetadataStore reopenStore() throws Exception {
        return null;
    }

    @BeforeEach
    void openFresh() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static Digest digest(String seed) {
        return DigestAlgorithm.SHA256.digest(seed.getBytes(StandardCharsets.UTF_8));
    }

    protected static ManifestRecord manifest(String seed, Optional<Digest> subject) {
        byte[] bytes = ("{\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
        Manifest m = new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes);
        return new ManifestRecord(m, Set.of(digest(seed + "-layer")), Set.of(), subject,
                Optional.of("application/vnd.example"), Map.of("k", seed));
    }

    protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Points {@code tags} at {@code record} the way the engine does: moves read from the current state. */
    protected void put(RepositoryName repo, ManifestRecord record, String... tags) {
        List<TagMove> moves = new ArrayList<>();
        for (String t : tags) {
            Tag tag = Tag.of(t);
            moves.add(new TagMove(tag, store.resolveTag(repo, tag), Optional.of(record.digest()), T0));
        }
        store.putManifest(repo, record, moves);
    }

    @Test
    void shouldCreateRepositoryOnFirstLinkAndDropItWhenEmpty() {
        assertThat(store.repositoryExists(REPO)).isFalse();
        store.linkBlob(REPO, digest("a"));
        assertThat(store.repositoryExists(REPO)).isTrue();
        assertThat(store.isBlobLinked(REPO, digest("a"))).isTrue();
        assertThat(store.unlinkBlob(REPO, digest("a"))).isTrue();
        assertThat(store.unlinkBlob(REPO, digest("a"))).isFalse();
        assertThat(store.repositoryExists(REPO)).isFalse();
    }

    @Test
    void shouldListLinkingRepositoriesInOrderWithCursor() {
        Digest d = digest("shared");
        for (String name : List.of("c", "a", "b/x", "b")) {
            store.linkBlob(RepositoryName.of(name), d);
        }
        store.linkBlob(RepositoryName.of("z"), digest("other"));
        Page<RepositoryName> first = store.repositoriesLinking(d, Optional.empty(), 2);
        assertThat(first.items()).extracting(RepositoryName::value).containsExactly("a", "b");
        assertThat(first.hasMore()).isTrue();
        Page<RepositoryName> rest = store.repositoriesLinking(d, Optional.of(first.last()), 10);
        assertThat(rest.items()).extracting(RepositoryName::value).containsExactly("b/x", "c");
        assertThat(rest.hasMore()).isFalse();
    }

    @Test
    void shouldStoreManifestBytesExactlyAndMoveTagsAtomically() {
        ManifestRecord one = manifest("one", Optional.empty());
        ManifestRecord two = manifest("two", Optional.empty());
        put(REPO, one, "latest", "v1");
        put(REPO, two, "latest");
        ManifestRecord read = store.manifest(REPO, one.digest()).orElseThrow();
        assertThat(read.manifest().bytes()).isEqualTo(one.manifest().bytes());
        assertThat(read.blobs()).isEqualTo(one.blobs());
        assertThat(read.annotations()).isEqualTo(one.annotations());
        assertThat(store.resolveTag(REPO, Tag.of("latest"))).contains(two.digest());
        assertThat(store.resolveTag(REPO, Tag.of("v1"))).contains(one.digest());
        assertThat(store.repositoryExists(REPO)).isTrue();
    }

    @Test
    void shouldDeleteTagOnlyOrManifestWithItsTags() {
        ManifestRecord one = manifest("one", Optional.empty());
        ManifestRecord two = manifest("two", Optional.empty());
        put(REPO, one, "a", "b");
        put(REPO, two, "c");
        assertThat(store.deleteTag(REPO, Tag.of("a"), T0)).isTrue();
        assertThat(store.deleteTag(REPO, Tag.of("a"), T0)).isFalse();
        assertThat(store.manifest(REPO, one.digest())).isPresent();
        assertThat(store.deleteManifest(REPO, one.digest(), T0)).isTrue();
        assertThat(store.resolveTag(REPO, Tag.of("b"))).isEmpty();
        assertThat(store.resolveTag(REPO, Tag.of("c"))).contains(two.digest());
        assertThat(store.tags(REPO, Optional.empty(), 10).items()).extracting(Tag::value).containsExactly("c");
        assertThat(store.deleteManifest(REPO, one.digest(), T0)).isFalse();
        assertThat(store.deleteManifest(REPO, two.digest(), T0)).isTrue();
        assertThat(store.repositoryExists(REPO)).isFalse();
    }

    @Test
    void shouldNotReattachTagToManifestDeletedAfterTheTagMoved() {
        ManifestRecord one = manifest("one", Optional.empty());
        ManifestRecord two = manifest("two", Optional.empty());
        put(REPO, one, "latest");
        put(REPO, two, "latest");
        store.deleteManifest(REPO, one.digest(), T0);
        assertThat(store.resolveTag(REPO, Tag.of("latest"))).contains(two.digest());
    }

    @Test
    void shouldPageTagsInAsciiOrderStrictlyAfterCursor() {
        List<String> names = new ArrayList<>(List.of("latest", "v1", "v1.0", "V2", "_x", "0", "a-b", "a.b", "a_b"));
        ManifestRecord m = manifest("m", Optional.empty());
        put(REPO, m, names.toArray(String[]::new));
        List<String> sorted = names.stream().sorted().toList();
        List<String> walked = new ArrayList<>();
        Optional<String> last = Optional.empty();
        while (true) {
            Page<Tag> page = store.tags(REPO, last, 2);
            page.items().forEach(t -> walked.add(t.value()));
            if (!page.hasMore()) {
                break;
            }
            last = Optional.of(page.last().value());
        }
        assertThat(walked).containsExactlyElementsOf(sorted);
        assertThat(store.tags(REPO, Optional.of("v1"), 10).items()).extracting(Tag::value).containsExactly("v1.0");
        assertThat(store.tags(RepositoryName.of("nope"), Optional.empty(), 10).items()).isEmpty();
    }

    @Test
    void shouldPageRepositoriesInOrder() {
        IntStream.range(0, 25).forEach(i -> store.linkBlob(RepositoryName.of(String.format("r%02d/x", i)), digest("b")));
        store.linkBlob(RepositoryName.of("r05"), digest("b"));
        Page<RepositoryName> page = store.repositories(Optional.of("r05"), 3);
        assertThat(page.items()).extracting(RepositoryName::value).containsExactly("r05/x", "r06/x", "r07/x");
        assertThat(page.hasMore()).isTrue();
        assertThat(store.repositories(Optional.of("r24/x"), 3).items()).isEmpty();
    }

    @Test
    void shouldIndexReferrersBySubjectAndForgetDeletedOnes() {
        Digest subject = digest("subject");
        ManifestRecord sig = manifest("sig", Optional.of(subject));
        ManifestRecord sbom = manifest("sbom", Optional.of(subject));
        put(REPO, sig);
        put(REPO, sbom);
        put(REPO, manifest("unrelated", Optional.of(digest("other"))));
        List<Descriptor> refs = store.referrers(REPO, subject, Optional.empty(), 100).items();
        assertThat(refs).extracting(Descriptor::digest).containsExactlyInAnyOrder(sig.digest(), sbom.digest());
        Descriptor d = refs.stream().filter(r -> r.digest().equals(sig.digest())).findFirst().orElseThrow();
        assertThat(d.artifactType()).contains("application/vnd.example");
        assertThat(d.annotations()).containsEntry("k", "sig");
        assertThat(d.size()).isEqualTo(sig.manifest().size());
        store.deleteManifest(REPO, sig.digest(), T0);
        assertThat(store.referrers(REPO, subject, Optional.empty(), 100).items()).extracting(Descriptor::digest).containsExactly(sbom.digest());
        assertThat(store.referrers(RepositoryName.of("elsewhere"), subject, Optional.empty(), 100).items()).isEmpty();
    }

    @Test
    void shouldRecordTagMovesNewestFirstAndKeepThemAfterDeletion() {
        ManifestRecord one = manifest("one", Optional.empty());
        ManifestRecord two = manifest("two", Optional.empty());
        put(REPO, one, "latest");
        put(REPO, one, "latest"); // not a move: same target
        put(REPO, two, "latest");
        store.deleteManifest(REPO, two.digest(), T0.plusSeconds(9));
        List<TagMove> history = store.tagHistory(REPO, Tag.of("latest"));
        assertThat(history).extracting(TagMove::from, TagMove::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Optional.of(two.digest()), Optional.empty()),
                org.assertj.core.groups.Tuple.tuple(Optional.of(one.digest()), Optional.of(two.digest())),
                org.assertj.core.groups.Tuple.tuple(Optional.empty(), Optional.of(one.digest())));
        assertThat(history.get(0).at()).isEqualTo(T0.plusSeconds(9));
        assertThat(store.tagHistory(REPO, Tag.of("never"))).isEmpty();
    }

    @Test
    void shouldBoundTagHistory() {
        List<ManifestRecord> records = new ArrayList<>();
        for (int i = 0; i < MetadataStore.TAG_HISTORY_LIMIT + 5; i++) {
            ManifestRecord r = manifest("m" + i, Optional.empty());
            records.add(r);
            put(REPO, r, "moving");
        }
        List<TagMove> history = store.tagHistory(REPO, Tag.of("moving"));
        assertThat(history).hasSize(MetadataStore.TAG_HISTORY_LIMIT);
        assertThat(history.get(0).to()).contains(records.get(records.size() - 1).digest());
    }

    @Test
    void shouldFindTagsOfADigest() {
        ManifestRecord one = manifest("one", Optional.empty());
        put(REPO, one, "b", "a", "c");
        put(REPO, manifest("two", Optional.empty()), "c");
        assertThat(store.tagsOf(REPO, one.digest(), 10)).extracting(Tag::value).containsExactly("a", "b");
        assertThat(store.tagsOf(REPO, one.digest(), 1)).hasSize(1);
    }

    @Test
    void shouldEnumerateLinksAndManifests() {
        ManifestRecord one = manifest("one", Optional.empty()).withPushedAt(T0);
        store.linkBlob(REPO, digest("l1"));
        store.linkBlob(RepositoryName.of("other"), digest("l2"));
        put(REPO, one, "x");
        List<String> links = new ArrayList<>();
        store.forEachLink((repo, d) -> links.add(repo + "@" + d));
        assertThat(links).containsExactlyInAnyOrder(REPO + "@" + digest("l1"), "other@" + digest("l2"));
        List<ManifestRecord> manifests = new ArrayList<>();
        store.forEachManifest((repo, m) -> manifests.add(m));
        assertThat(manifests).hasSize(1);
        assertThat(manifests.get(0).pushedAt()).isEqualTo(T0);
        assertThat(manifests.get(0).manifest().bytes()).isEqualTo(one.manifest().bytes());
    }

    @Test
    void shouldKeepUploadRecords() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        UploadRecord u = new UploadRecord("0b6f0c5e-2d7a-4b8e-9c1f-3a5d7e9f1b2c", REPO, "staged-1",
                DigestAlgorithm.SHA512, 0, t, t);
        store.putUpload(u);
        store.putUpload(u.advancedTo(42, t.plusSeconds(5)));
        UploadRecord read = store.upload(u.id()).orElseThrow();
        assertThat(read.offset()).isEqualTo(42);
        assertThat(read.algorithm()).isEqualTo(DigestAlgorithm.SHA512);
        assertThat(read.updated()).isEqualTo(t.plusSeconds(5));
        assertThat(store.uploads()).extracting(UploadRecord::id).containsExactly(u.id());
        assertThat(store.deleteUpload(u.id())).isTrue();
        assertThat(store.deleteUpload(u.id())).isFalse();
        assertThat(store.upload(u.id())).isEmpty();
    }

    @Test
    void shouldKeepEverythingAcrossReopenWhenDurable() throws Exception {
        ManifestRecord one = manifest("one", Optional.of(digest("s")));
        store.linkBlob(REPO, digest("layer"));
        put(REPO, one, "latest");
        store.close();
        store = reopenStore();
        if (store == null) {
            return; // not a durable store: nothing to check
        }
        assertThat(store.isBlobLinked(REPO, digest("layer"))).isTrue();
        assertThat(store.resolveTag(REPO, Tag.of("latest"))).contains(one.digest());
        assertThat(store.manifest(REPO, one.digest()).orElseThrow().manifest().bytes()).isEqualTo(one.manifest().bytes());
        assertThat(store.referrers(REPO, digest("s"), Optional.empty(), 100).items()).hasSize(1);
    }

    @Test
    void shouldCloseIdempotently() {
        store.close();
        store.close();
        store = null;
    }
}
