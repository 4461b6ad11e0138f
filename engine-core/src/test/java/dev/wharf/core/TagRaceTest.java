package dev.wharf.core;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Precondition;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.ForwardingMetadataStore;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pushes to one repository run side by side and race for its tags: the store moves a tag only from where
 * the push read it, and the loser reads again and is judged again (conditions, immutable tags) against what
 * the winner left. A store that moves a tag under the engine at the worst moment shows each outcome; many
 * threads pushing at once show that tags, their history and their index end consistent.
 */
class TagRaceTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("releases/app");
    private static final Tag LATEST = Tag.of("latest");

    /** A store that, once armed, moves {@code tag} to {@code intruder} just before the next push is written. */
    private static final class Interloper extends ForwardingMetadataStore {
        private Tag tag;
        private ManifestRecord intruder;
        private int refused;

        Interloper(MetadataStore delegate) {
            super(delegate);
        }

        void arm(Tag tag, ManifestRecord intruder) {
            this.tag = tag;
            this.intruder = intruder;
        }

        @Override
        public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                                   dev.wharf.spi.PendingEvents events) {
            if (intruder != null) {
                ManifestRecord other = intruder;
                intruder = null;
                TagMove move = new TagMove(tag, super.resolveTag(repository, tag), Optional.of(other.digest()),
                        Instant.now());
                assertThat(super.putManifest(repository, other, List.of(move))).isTrue();
            }
            boolean stored = super.putManifest(repository, manifest, moves, events);
            refused += stored ? 0 : 1;
            return stored;
        }
    }

    private static ManifestRecord intruder() {
        byte[] bytes = "{\"intruder\":true}".getBytes(StandardCharsets.UTF_8);
        Digest digest = DigestAlgorithm.SHA256.digest(bytes);
        return new ManifestRecord(new dev.wharf.api.Manifest(digest, MediaTypes.OCI_MANIFEST, bytes), Set.of(),
                Set.of(), Optional.empty(), Optional.empty(), Map.of());
    }

    private static Digest push(Registry registry, Tag tag, byte[] manifest, Precondition condition) {
        return registry.pushManifest(ME, REPO, tag, MediaTypes.OCI_MANIFEST, manifest, List.of(), condition).digest();
    }

    @Test
    void shouldMoveATagFromWhereAnotherPushLeftItWhenThatPushWonTheRace() {
        Interloper store = new Interloper(new InMemoryMetadataStore());
        try (Registry registry = Registry.builder().metadataStore(store).build()) {
            Digest first = push(registry, LATEST, TagPolicyTest.manifest(registry, "1"), Precondition.none());
            ManifestRecord intruder = intruder();
            byte[] second = TagPolicyTest.manifest(registry, "2");
            store.arm(LATEST, intruder);
            Digest pushed = push(registry, LATEST, second, Precondition.none());

            assertThat(store.refused).as("the first write lost the race").isEqualTo(1);
            assertThat(registry.manifest(ME, REPO, LATEST).digest()).isEqualTo(pushed);
            List<TagMove> history = registry.tagHistory(ME, REPO, LATEST);
            assertThat(history).extracting(TagMove::to).containsExactly(Optional.of(pushed),
                    Optional.of(intruder.digest()), Optional.of(first));
            assertThat(history.get(0).from()).as("moved from where the winner left it")
                    .contains(intruder.digest());
        }
    }

    @Test
    void shouldJudgeTheConditionAgainAfterLosingTheRace() {
        Interloper store = new Interloper(new InMemoryMetadataStore());
        try (Registry registry = Registry.builder().metadataStore(store).build()) {
            Tag stable = Tag.of("stable");
            store.arm(stable, intruder());
            byte[] mine = TagPolicyTest.manifest(registry, "mine");
            assertThatThrownBy(() -> push(registry, stable, mine, Precondition.ifAbsent()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
            assertThat(registry.tagHistory(ME, REPO, stable)).as("only the winner's move").hasSize(1);
        }
    }

    @Test
    void shouldRefuseToMoveAnImmutableTagThatAnotherPushCreatedFirst() {
        Interloper store = new Interloper(new InMemoryMetadataStore());
        try (Registry registry = Registry.builder().metadataStore(store).immutableTags("releases/*", "v*").build()) {
            Tag v1 = Tag.of("v1");
            ManifestRecord intruder = intruder();
            store.arm(v1, intruder);
            byte[] mine = TagPolicyTest.manifest(registry, "mine");
            assertThatThrownBy(() -> push(registry, v1, mine, Precondition.none()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DENIED));
            assertThat(registry.manifest(ME, REPO, v1).digest()).isEqualTo(intruder.digest());
        }
    }

    @Test
    void shouldEndConsistentWhenManyPushesMoveOneTagAndCreateOthersAtOnce() throws Exception {
        int threads = 16;
        int pushes = 25;
        try (Registry registry = Registry.builder().build()) {
            List<byte[]> manifests = new ArrayList<>();
            for (int i = 0; i < threads * pushes; i++) {
                manifests.add(TagPolicyTest.manifest(registry, "m" + i));
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<Digest>>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        List<Digest> mine = new ArrayList<>();
                        for (int i = 0; i < pushes; i++) {
                            int n = thread * pushes + i;
                            mine.add(registry.pushManifest(ME, REPO, LATEST, MediaTypes.OCI_MANIFEST, manifests.get(n),
                                    List.of(Tag.of("t" + n))).digest());
                        }
                        return mine;
                    }));
                }
                List<Digest> pushed = new ArrayList<>();
                for (Future<List<Digest>> f : done) {
                    pushed.addAll(f.get(60, TimeUnit.SECONDS));
                }
                for (int n = 0; n < pushed.size(); n++) {
                    assertThat(registry.manifest(ME, REPO, Tag.of("t" + n)).digest()).isEqualTo(pushed.get(n));
                }
                List<TagMove> history = registry.tagHistory(ME, REPO, LATEST);
                assertThat(history).hasSize(dev.wharf.spi.TagStore.TAG_HISTORY_LIMIT);
                for (int i = 0; i + 1 < history.size(); i++) {
                    assertThat(history.get(i).from()).isEqualTo(history.get(i + 1).to());
                }
                assertThat(history.get(0).to()).contains(registry.manifest(ME, REPO, LATEST).digest());
                assertThat(registry.tags(ME, REPO, Optional.empty(), 1000).items())
                        .hasSize(threads * pushes + 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
