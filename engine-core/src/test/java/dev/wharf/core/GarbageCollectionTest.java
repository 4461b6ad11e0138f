package dev.wharf.core;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.GcReport;
import dev.wharf.api.GcSettings;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.storage.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Garbage collection rules through the Java API, on a clock the test moves. */
class GarbageCollectionTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("team/app");
    private static final RepositoryName OTHER = RepositoryName.of("team/other");

    private final UploadSemanticsTest.MutableClock clock = new UploadSemanticsTest.MutableClock();
    private final InMemoryBlobStore blobStore = new InMemoryBlobStore();
    private final List<RegistryEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Registry registry;

    @BeforeEach
    void setUp() {
        registry = Registry.builder().blobStore(blobStore).clock(clock).listener(events::add)
                .garbageCollection(new GcSettings(Duration.ZERO, Duration.ofMinutes(10), Optional.of(Duration.ofHours(1))))
                .build();
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private Digest push(RepositoryName repo, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Digest digest = DigestAlgorithm.SHA256.digest(bytes);
        registry.pushBlob(ME, repo, digest, UploadChunk.of(bytes));
        return digest;
    }

    private static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    private Digest pushImage(RepositoryName repo, String tag, String config, String layer, String extra) {
        Digest c = push(repo, config);
        Digest l = push(repo, layer);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, c, config.length()) + ",\"layers\":["
                + descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, l, layer.length()) + "]" + extra + "}";
        return registry.pushManifest(ME, repo, tag == null ? DigestAlgorithm.SHA256.digest(json.getBytes(StandardCharsets.UTF_8)) : Tag.of(tag),
                MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8), List.of()).digest();
    }

    private Set<Digest> stored() {
        List<BlobInfo> all = new ArrayList<>();
        blobStore.forEach(all::add);
        return all.stream().map(BlobInfo::digest).collect(Collectors.toSet());
    }

    @Test
    void shouldReclaimUnlinkedBlobOnlyAfterGracePeriod() {
        Digest orphan = push(APP, "orphan");
        Digest kept = push(APP, "kept");
        registry.deleteBlob(ME, APP, orphan);

        GcReport first = registry.collectGarbage();
        assertThat(first.blobsDeleted()).isZero();
        assertThat(first.blobsPending()).isEqualTo(1);
        assertThat(stored()).contains(orphan);

        clock.now = clock.now.plus(Duration.ofMinutes(11));
        GcReport second = registry.collectGarbage();
        assertThat(second.blobsDeleted()).isEqualTo(1);
        assertThat(second.bytesReclaimed()).isEqualTo("orphan".length());
        assertThat(stored()).containsExactly(kept);
    }

    @Test
    void shouldRestartGraceWhenBlobIsReferencedAgain() {
        Digest blob = push(APP, "comes back");
        registry.deleteBlob(ME, APP, blob);
        registry.collectGarbage();
        push(OTHER, "comes back");
        registry.collectGarbage();
        registry.deleteBlob(ME, OTHER, blob);
        clock.now = clock.now.plus(Duration.ofMinutes(9));
        registry.collectGarbage();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(registry.collectGarbage().blobsDeleted()).isZero();
        assertThat(stored()).contains(blob);
    }

    @Test
    void shouldKeepBlobLinkedElsewhereOrReferencedByAManifest() {
        Digest shared = push(APP, "shared");
        push(OTHER, "shared");
        registry.deleteBlob(ME, APP, shared);
        Digest image = pushImage(APP, "v1", "cfg", "layer", "");
        Digest layer = DigestAlgorithm.SHA256.digest("layer".getBytes(StandardCharsets.UTF_8));
        registry.deleteBlob(ME, APP, layer); // unlinked, but the manifest still references it
        clock.now = clock.now.plus(Duration.ofHours(2));
        registry.collectGarbage();
        registry.collectGarbage();
        assertThat(stored()).contains(shared, layer);
        assertThat(image).isNotNull();
    }

    @Test
    void shouldDeleteOnlyUnneededUntaggedManifestsPastRetention() {
        Digest tagged = pushImage(APP, "v1", "c1", "l1", "");
        Digest untagged = pushImage(APP, null, "c2", "l2", "");
        Digest subject = pushImage(APP, "base", "c3", "l3", "");
        Digest referrer = pushImage(APP, null, "c4", "l4",
                ",\"subject\":" + descriptor(MediaTypes.OCI_MANIFEST, subject, 10));
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        Digest young = pushImage(APP, null, "c5", "l5", "");
        clock.now = clock.now.plus(Duration.ofMinutes(31));

        GcReport report = registry.collectGarbage();

        assertThat(report.manifestsDeleted()).isEqualTo(1);
        assertThat(exists(untagged)).isFalse();
        assertThat(exists(tagged)).isTrue();
        assertThat(exists(referrer)).isTrue();
        assertThat(exists(young)).isTrue();
    }

    private boolean exists(Digest manifest) {
        try {
            registry.manifest(ME, APP, manifest);
            return true;
        } catch (dev.wharf.api.RegistryException e) {
            return false;
        }
    }

    @Test
    void shouldKeepUntaggedManifestsByDefault() {
        try (Registry keeping = Registry.builder().clock(clock).build()) {
            byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
            Digest c = DigestAlgorithm.SHA256.digest(config);
            keeping.pushBlob(ME, APP, c, UploadChunk.of(config));
            String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                    + descriptor(MediaTypes.OCI_EMPTY, c, 2) + ",\"layers\":[]}";
            Digest m = keeping.pushManifest(ME, APP, DigestAlgorithm.SHA256.digest(json.getBytes(StandardCharsets.UTF_8)),
                    MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8), List.of()).digest();
            clock.now = clock.now.plus(Duration.ofDays(365));
            assertThat(keeping.collectGarbage().manifestsDeleted()).isZero();
            assertThat(keeping.manifest(ME, APP, m).digest()).isEqualTo(m);
        }
    }

    private List<RegistryEvent> eventsOf(RegistryEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void shouldReportEachCollectedBlobAndManifestAsOneEvent() {
        Digest untagged = pushImage(APP, null, "cfg-gc", "layer-gc", "");
        Digest orphan = push(APP, "orphan-event");
        registry.deleteBlob(ME, APP, orphan);
        events.clear();

        clock.now = clock.now.plus(Duration.ofHours(2));
        registry.collectGarbage(); // the manifest goes; its blobs are still linked; the orphan starts its grace
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        registry.collectGarbage();
        registry.collectGarbage(); // nothing left to collect: no more events

        List<RegistryEvent> manifests = eventsOf(RegistryEvent.Type.MANIFEST_DELETED);
        assertThat(manifests).singleElement().satisfies(e -> {
            assertThat(e.origin()).isEqualTo(RegistryEvent.Origin.GARBAGE_COLLECTION);
            assertThat(e.repository()).contains(APP);
            assertThat(e.digest()).contains(untagged);
            assertThat(e.mediaType()).contains(MediaTypes.OCI_MANIFEST);
            assertThat(e.artifactType()).contains(MediaTypes.OCI_CONFIG);
            assertThat(e.size()).isPresent();
        });
        List<RegistryEvent> blobs = eventsOf(RegistryEvent.Type.BLOB_COLLECTED);
        assertThat(blobs).singleElement().satisfies(e -> {
            assertThat(e.origin()).isEqualTo(RegistryEvent.Origin.GARBAGE_COLLECTION);
            assertThat(e.repository()).isEmpty();
            assertThat(e.digest()).contains(orphan);
            assertThat(e.size()).hasValue("orphan-event".length());
        });
        assertThat(events).hasSize(2);
    }

    @Test
    void shouldReportEveryTagRemovedWithItsManifest() {
        Digest image = pushImage(APP, "v1", "cfg-t", "layer-t", "");
        registry.pushManifest(ME, APP, Tag.of("latest"), MediaTypes.OCI_MANIFEST,
                registry.manifest(ME, APP, image).bytes(), List.of(Tag.of("stable")));
        events.clear();

        registry.deleteManifest(ME, APP, image);

        assertThat(eventsOf(RegistryEvent.Type.TAG_DELETED)).extracting(e -> e.tag().orElseThrow().value())
                .containsExactlyInAnyOrder("v1", "latest", "stable");
        assertThat(eventsOf(RegistryEvent.Type.TAG_DELETED)).allSatisfy(e -> {
            assertThat(e.digest()).contains(image);
            assertThat(e.origin()).isEqualTo(RegistryEvent.Origin.CLIENT);
        });
        assertThat(eventsOf(RegistryEvent.Type.MANIFEST_DELETED)).singleElement()
                .satisfies(e -> assertThat(e.digest()).contains(image));
        assertThat(events).hasSize(4);
    }

    @Test
    void shouldReportClientChangesOnceEachWithTheirFacts() {
        Digest blob = push(APP, "client-blob");
        registry.mount(ME, OTHER, blob, Optional.of(APP));
        Digest image = pushImage(APP, "v1", "cfg-c", "layer-c", "");
        registry.pushManifest(ME, APP, Tag.of("v1"), MediaTypes.OCI_MANIFEST, registry.manifest(ME, APP, image).bytes(),
                List.of()); // same tag, same manifest: a push but no tag change
        registry.deleteManifest(ME, APP, Tag.of("v1"));
        registry.deleteBlob(ME, OTHER, blob);

        assertThat(events).extracting(RegistryEvent::type).containsExactly(
                RegistryEvent.Type.REPOSITORY_CREATED, RegistryEvent.Type.BLOB_UPLOADED,
                RegistryEvent.Type.REPOSITORY_CREATED, RegistryEvent.Type.BLOB_MOUNTED,
                RegistryEvent.Type.BLOB_UPLOADED, RegistryEvent.Type.BLOB_UPLOADED,
                RegistryEvent.Type.MANIFEST_PUSHED, RegistryEvent.Type.TAG_UPDATED,
                RegistryEvent.Type.MANIFEST_PUSHED,
                RegistryEvent.Type.TAG_DELETED, RegistryEvent.Type.BLOB_DELETED, RegistryEvent.Type.REPOSITORY_EMPTIED);
        assertThat(events.get(2).repository()).contains(OTHER);
        assertThat(events.get(3).repository()).contains(OTHER);
        assertThat(events.get(3).size()).hasValue("client-blob".length());
        assertThat(events.get(7).tag()).contains(Tag.of("v1"));
        assertThat(events.get(7).mediaType()).contains(MediaTypes.OCI_MANIFEST);
        assertThat(events.get(9).digest()).contains(image);
        assertThat(events.get(11).repository()).contains(OTHER);
        assertThat(events).allSatisfy(e -> assertThat(e.origin()).isEqualTo(RegistryEvent.Origin.CLIENT));
    }
}
