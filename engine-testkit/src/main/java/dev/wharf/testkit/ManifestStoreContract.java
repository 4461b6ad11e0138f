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
import dev.wharf.spi.ManifestStore;
import dev.wharf.spi.MetadataStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

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
 * The {@link ManifestStore} contract: a record comes back with every fact it was stored with; a push and a
 * delete each change the manifest, its tags and its referrers entry together; the referrers index lists a
 * subject's referrers of one repository in digest order, strictly after any cursor. Run through
 * {@link MetadataStoreContract}.
 */
public interface ManifestStoreContract extends MetadataStoreUnderTest {

    private static List<Digest> digests(Page<Descriptor> page) {
        return page.items().stream().map(Descriptor::digest).toList();
    }

    private List<String> manifests() {
        List<String> all = new ArrayList<>();
        store().forEachManifest((repository, record) -> all.add(repository + "@" + record.digest()));
        return all;
    }

    /** Referrers of {@code subject} made from the seeds, sorted by digest (the order listings use). */
    private static List<ManifestRecord> referrersSorted(Digest subject, String... seeds) {
        List<ManifestRecord> records = new ArrayList<>();
        for (String seed : seeds) {
            records.add(manifest(seed, Optional.of(subject)));
        }
        records.sort(Comparator.comparing(ManifestRecord::digest));
        return records;
    }

    @Test
    default void shouldAnswerAbsenceForManifestsNeverPushed() {
        MetadataStore store = store();
        Digest d = manifest("m").digest();
        assertThat(store.manifest(REPO, d)).isEmpty();
        assertThat(store.manifestContent(REPO, d)).isEmpty();
        assertThat(store.deleteManifest(REPO, d, T0)).isFalse();
        assertThat(store.repositoryExists(REPO)).as("a delete of nothing creates nothing").isFalse();
        assertThat(store.referrers(REPO, d, Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(manifests()).isEmpty();
        push(store, REPO, manifest("other"));
        assertThat(store.manifest(REPO, d)).as("another digest of an existing repository").isEmpty();
        assertThat(store.manifestContent(REPO, d)).isEmpty();
    }

    @Test
    default void shouldKeepEveryFactOfARecord() {
        byte[] bytes = "{\"schemaVersion\":2,\"k\":\"full\"}".getBytes(StandardCharsets.UTF_8);
        Manifest m = new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes);
        ManifestRecord record = new ManifestRecord(m, Set.of(digest("config"), digest("layer1"), digest("layer2")),
                Set.of(digest("child")), Optional.of(digest("subject")), Optional.of("application/vnd.example.sbom"),
                Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z", "empty", ""),
                T0.plusMillis(1234), bytes.length + 5_000_000_000L);
        store().putManifest(REPO, record, List.of());
        ManifestRecord read = store().manifest(REPO, m.digest()).orElseThrow();
        assertThat(read.manifest().bytes()).isEqualTo(bytes);
        assertThat(read.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(read.blobs()).isEqualTo(record.blobs());
        assertThat(read.children()).isEqualTo(record.children());
        assertThat(read.subject()).isEqualTo(record.subject());
        assertThat(read.artifactType()).isEqualTo(record.artifactType());
        assertThat(read.annotations()).isEqualTo(record.annotations());
        assertThat(read.pushedAt()).isEqualTo(record.pushedAt());
        assertThat(read.contentSize()).isEqualTo(record.contentSize());
    }

    @Test
    default void shouldKeepAbsentFactsAbsent() {
        byte[] bytes = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
        Manifest m = new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_INDEX, bytes);
        ManifestRecord record = new ManifestRecord(m, Set.of(), Set.of(), Optional.empty(), Optional.empty(), Map.of());
        store().putManifest(REPO, record, List.of());
        ManifestRecord read = store().manifest(REPO, m.digest()).orElseThrow();
        assertThat(read.blobs()).isEmpty();
        assertThat(read.children()).isEmpty();
        assertThat(read.subject()).as("no subject, not an empty one").isEmpty();
        assertThat(read.artifactType()).as("no artifact type, not an empty one").isEmpty();
        assertThat(read.annotations()).isEmpty();
        assertThat(read.pushedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    default void shouldKeepPushTimesToTheMillisecondAtLeast() {
        Instant precise = T0.plusNanos(123_456_789);
        store().putManifest(REPO, manifest("precise").withPushedAt(precise), List.of());
        assertThat(store().manifest(REPO, manifest("precise").digest()).orElseThrow().pushedAt())
                .isIn(precise, precise.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    default void shouldServeManifestContentEqualToTheRecord() {
        byte[] bytes = "{\"schemaVersion\":2,\"mediaType\":\"docker\"}".getBytes(StandardCharsets.UTF_8);
        Manifest m = new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.DOCKER_MANIFEST, bytes);
        store().putManifest(REPO, new ManifestRecord(m, Set.of(), Set.of(), Optional.empty(), Optional.empty(),
                Map.of()), List.of());
        Manifest served = store().manifestContent(REPO, m.digest()).orElseThrow();
        assertThat(served.digest()).isEqualTo(m.digest());
        assertThat(served.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(served.bytes()).isEqualTo(bytes);
        assertThat(served.bytes()).isEqualTo(store().manifest(REPO, m.digest()).orElseThrow().manifest().bytes());
        store().deleteManifest(REPO, m.digest(), T0);
        assertThat(store().manifestContent(REPO, m.digest())).as("after a delete").isEmpty();
    }

    @Test
    default void shouldCreateRepositoryWithFirstManifestAndDropItWithLast() {
        MetadataStore store = store();
        push(store, REPO, manifest("one"), "v1");
        push(store, REPO, manifest("two"));
        assertThat(store.repositoryExists(REPO)).isTrue();
        assertThat(store.repositories(Optional.empty(), 10).items()).containsExactly(REPO);
        assertThat(store.deleteManifest(REPO, manifest("one").digest(), T0)).isTrue();
        assertThat(store.repositoryExists(REPO)).as("one manifest is left").isTrue();
        assertThat(store.deleteManifest(REPO, manifest("two").digest(), T0)).isTrue();
        assertThat(store.repositoryExists(REPO)).isFalse();
        assertThat(store.repositories(Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(store.deleteManifest(REPO, manifest("two").digest(), T0)).as("deleted already").isFalse();
    }

    @Test
    default void shouldKeepManifestsOfRepositoriesWhoseNamesArePrefixesOfEachOther() {
        MetadataStore store = store();
        ManifestRecord m = manifest("m");
        push(store, repo("a/b"), m, "t");
        for (String other : List.of("a", "ab", "a/b/c")) {
            assertThat(store.manifest(repo(other), m.digest())).as("in %s?", other).isEmpty();
            assertThat(store.manifestContent(repo(other), m.digest())).as("in %s?", other).isEmpty();
        }
        push(store, repo("a"), m, "t");
        assertThat(store.deleteManifest(repo("a/b"), m.digest(), T0)).isTrue();
        assertThat(store.manifest(repo("a"), m.digest())).as("the same digest in another repository").isPresent();
        assertThat(store.resolveTag(repo("a"), Tag.of("t"))).contains(m.digest());
        assertThat(store.repositoryExists(repo("a/b"))).isFalse();
    }

    @Test
    default void shouldReplaceRecordAndKeepItsOtherTagsWhenTheSameDigestIsPushedAgain() {
        MetadataStore store = store();
        ManifestRecord first = manifest("m").withPushedAt(T0);
        push(store, REPO, first, "v1", "v2");
        ManifestRecord again = first.withPushedAt(T0.plusSeconds(60));
        push(store, REPO, again, "v3");
        assertThat(store.manifest(REPO, first.digest()).orElseThrow().pushedAt()).isEqualTo(T0.plusSeconds(60));
        for (String tag : List.of("v1", "v2", "v3")) {
            assertThat(store.resolveTag(REPO, Tag.of(tag))).as(tag).contains(first.digest());
        }
        assertThat(store.tagsOf(REPO, first.digest(), 10)).extracting(Tag::value).containsExactly("v1", "v2", "v3");
        assertThat(manifests()).containsExactly(REPO + "@" + first.digest());
    }

    @Test
    default void shouldRemoveEveryTagAndTheReferrersEntryWithTheManifest() {
        MetadataStore store = store();
        Digest subject = digest("subject");
        ManifestRecord doomed = manifest("doomed", Optional.of(subject));
        ManifestRecord kept = manifest("kept", Optional.of(subject));
        push(store, REPO, doomed, "a", "b", "c");
        push(store, REPO, kept, "d");
        Instant at = T0.plusSeconds(30);
        assertThat(store.deleteManifest(REPO, doomed.digest(), at)).isTrue();
        for (String tag : List.of("a", "b", "c")) {
            assertThat(store.resolveTag(REPO, Tag.of(tag))).as(tag).isEmpty();
            assertThat(store.tagHistory(REPO, Tag.of(tag))).as("history of %s", tag).first()
                    .isEqualTo(new TagMove(Tag.of(tag), Optional.of(doomed.digest()), Optional.empty(), at));
        }
        assertThat(store.tags(REPO, Optional.empty(), 10).items()).extracting(Tag::value).containsExactly("d");
        assertThat(store.tagsOf(REPO, doomed.digest(), 10)).isEmpty();
        assertThat(digests(store.referrers(REPO, subject, Optional.empty(), 10))).containsExactly(kept.digest());
        assertThat(store.tagHistory(REPO, Tag.of("d"))).as("another manifest's tag").hasSize(1);
    }

    @Test
    default void shouldListReferrersInDigestOrderOneAtATime() {
        MetadataStore store = store();
        Digest subject = digest("subject");
        List<ManifestRecord> sorted = referrersSorted(subject, "r1", "r2", "r3", "r4", "r5");
        reversed(sorted).forEach(r -> push(store, REPO, r));
        List<Descriptor> walked = walk(1, (after, limit) -> store.referrers(REPO, subject, after, limit),
                Descriptor::digest);
        assertThat(walked).extracting(Descriptor::digest)
                .containsExactlyElementsOf(sorted.stream().map(ManifestRecord::digest).toList());
        assertThat(store.referrers(REPO, subject, Optional.empty(), 5).hasMore()).as("a full last page").isFalse();
        assertThat(store.referrers(REPO, subject, Optional.empty(), 4).hasMore()).isTrue();
    }

    @Test
    default void shouldListReferrersStrictlyAfterCursorsThatAreNotReferrers() {
        MetadataStore store = store();
        Digest subject = digest("subject");
        List<ManifestRecord> r = referrersSorted(subject, "r0", "r1", "r2", "r3", "r4", "r5");
        push(store, REPO, r.get(1));
        push(store, REPO, r.get(2));
        push(store, REPO, r.get(4));
        assertThat(digests(store.referrers(REPO, subject, Optional.of(r.get(0).digest()), 10))).as("before the first")
                .containsExactly(r.get(1).digest(), r.get(2).digest(), r.get(4).digest());
        assertThat(digests(store.referrers(REPO, subject, Optional.of(r.get(3).digest()), 10))).as("between")
                .containsExactly(r.get(4).digest());
        assertThat(digests(store.referrers(REPO, subject, Optional.of(r.get(1).digest()), 10))).as("after the first")
                .containsExactly(r.get(2).digest(), r.get(4).digest());
        assertThat(store.referrers(REPO, subject, Optional.of(r.get(5).digest()), 10)).as("past the last")
                .isEqualTo(emptyPage());
        assertThat(store.referrers(REPO, subject, Optional.of(r.get(4).digest()), 10)).as("after the last")
                .isEqualTo(emptyPage());
    }

    @Test
    default void shouldNotMixReferrersOfOtherSubjectsOrRepositories() {
        MetadataStore store = store();
        Digest subject = digest("subject");
        Digest other = digest("other");
        ManifestRecord inA = manifest("in-a", Optional.of(subject));
        ManifestRecord inAb = manifest("in-a/b", Optional.of(subject));
        ManifestRecord otherSubject = manifest("other-subject", Optional.of(other));
        push(store, repo("a"), inA);
        push(store, repo("a/b"), inAb);
        push(store, repo("a"), otherSubject);
        push(store, repo("a"), manifest("no-subject"));
        assertThat(digests(store.referrers(repo("a"), subject, Optional.empty(), 10))).containsExactly(inA.digest());
        assertThat(digests(store.referrers(repo("a/b"), subject, Optional.empty(), 10))).containsExactly(inAb.digest());
        assertThat(digests(store.referrers(repo("a"), other, Optional.empty(), 10)))
                .containsExactly(otherSubject.digest());
        assertThat(store.referrers(repo("ab"), subject, Optional.empty(), 10)).isEqualTo(emptyPage());
        assertThat(store.referrers(repo("a"), inA.digest(), Optional.empty(), 10)).isEqualTo(emptyPage());
    }

    @Test
    default void shouldDescribeReferrersByTheirRecords() {
        MetadataStore store = store();
        Digest subject = digest("subject");
        ManifestRecord typed = manifest("typed", Optional.of(subject));
        byte[] bytes = "{\"plain\":true}".getBytes(StandardCharsets.UTF_8);
        ManifestRecord plain = new ManifestRecord(new Manifest(DigestAlgorithm.SHA256.digest(bytes),
                MediaTypes.OCI_INDEX, bytes), Set.of(), Set.of(), Optional.of(subject), Optional.empty(), Map.of());
        push(store, REPO, typed);
        push(store, REPO, plain);
        assertThat(store.referrers(REPO, subject, Optional.empty(), 10).items())
                .containsExactlyInAnyOrder(typed.referrerDescriptor(), plain.referrerDescriptor());
    }

    @Test
    default void shouldVisitEveryManifestWithItsRepository() {
        MetadataStore store = store();
        push(store, REPO, manifest("one"), "x");
        push(store, REPO, manifest("two"));
        push(store, repo("a"), manifest("one"));
        push(store, repo("a/b"), manifest("three"));
        store.deleteManifest(REPO, manifest("two").digest(), T0);
        assertThat(manifests()).containsExactlyInAnyOrder(REPO + "@" + manifest("one").digest(),
                "a@" + manifest("one").digest(), "a/b@" + manifest("three").digest());
        Map<String, byte[]> bytes = new HashMap<>();
        store.forEachManifest((repository, record) -> bytes.put(repository.value(), record.manifest().bytes()));
        assertThat(bytes.get("a/b")).isEqualTo(manifest("three").manifest().bytes());
        assertThat(bytes.get("a")).isEqualTo(manifest("one").manifest().bytes());
    }

    @Test
    default void shouldAddressManifestsAndSubjectsBySha512() {
        MetadataStore store = store();
        byte[] bytes = "{\"sha512\":true}".getBytes(StandardCharsets.UTF_8);
        Digest subject = DigestAlgorithm.SHA512.digest("subject".getBytes(StandardCharsets.UTF_8));
        Manifest m = new Manifest(DigestAlgorithm.SHA512.digest(bytes), MediaTypes.OCI_MANIFEST, bytes);
        ManifestRecord wide = new ManifestRecord(m, Set.of(), Set.of(), Optional.of(subject), Optional.empty(),
                Map.of());
        ManifestRecord narrow = manifest("narrow", Optional.of(subject));
        push(store, REPO, wide, "wide");
        push(store, REPO, narrow);
        assertThat(store.manifest(REPO, m.digest()).orElseThrow().manifest().bytes()).isEqualTo(bytes);
        assertThat(store.manifest(REPO, DigestAlgorithm.SHA256.digest(bytes))).as("the sha256 of the same bytes")
                .isEmpty();
        assertThat(store.resolveTag(REPO, Tag.of("wide"))).contains(m.digest());
        assertThat(digests(store.referrers(REPO, subject, Optional.empty(), 10))).as("sha256 sorts before sha512")
                .containsExactly(narrow.digest(), wide.digest());
    }

    @Test
    default void shouldKeepManifestsAndReferrersAcrossReopen() throws Exception {
        MetadataStore store = store();
        Digest subject = digest("subject");
        ManifestRecord kept = manifest("kept", Optional.of(subject)).withPushedAt(T0);
        ManifestRecord deleted = manifest("deleted", Optional.of(subject));
        push(store, REPO, kept);
        push(store, REPO, deleted);
        store.deleteManifest(REPO, deleted.digest(), T0);
        store = reopen();
        assertThat(store.manifest(REPO, kept.digest()).orElseThrow().pushedAt()).isEqualTo(T0);
        assertThat(store.manifestContent(REPO, kept.digest()).orElseThrow().bytes())
                .isEqualTo(kept.manifest().bytes());
        assertThat(store.manifest(REPO, deleted.digest())).isEmpty();
        assertThat(store.referrers(REPO, subject, Optional.empty(), 10).items())
                .containsExactly(kept.referrerDescriptor());
    }

    @Test
    default void shouldKeepEveryPushWhenRepositoriesArePushedConcurrently() throws Exception {
        MetadataStore store = store();
        int perRepository = 25;
        Digest subject = digest("subject");
        Parallel.run(Parallel.THREADS, t -> () -> {
            RepositoryName repository = repo("concurrent/r" + t);
            for (int i = 0; i < perRepository; i++) {
                push(store, repository, manifest(t + "-" + i, Optional.of(subject)), "latest", "v" + i);
                store.sync();
            }
            return null;
        });
        assertThat(manifests()).hasSize(Parallel.THREADS * perRepository);
        for (int t = 0; t < Parallel.THREADS; t++) {
            RepositoryName repository = repo("concurrent/r" + t);
            assertThat(store.resolveTag(repository, Tag.of("latest")))
                    .contains(manifest(t + "-" + (perRepository - 1), Optional.of(subject)).digest());
            assertThat(store.referrers(repository, subject, Optional.empty(), 100).items()).hasSize(perRepository);
            assertThat(store.tags(repository, Optional.empty(), 100).items()).hasSize(perRepository + 1);
        }
        assertThat(IntStream.range(0, Parallel.THREADS)
                .mapToObj(t -> store.tagHistory(repo("concurrent/r" + t), Tag.of("latest")).size()))
                .containsOnly(perRepository);
    }
}
