package dev.wharf.core;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.EventPage;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryEvent.Type;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.spi.ForwardingMetadataStore;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.PendingEvents;
import dev.wharf.core.storage.InMemoryMetadataStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's use of the store's event log: every change recorded once, in order, with the numbers the
 * listeners are told; the log read back filtered by what the caller may pull; trimmed by retention.
 */
class EventLogTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("public/app");
    private static final RepositoryName OTHER = RepositoryName.of("public/other");
    private static final RepositoryName HIDDEN = RepositoryName.of("private/app");

    private static Digest blob(Registry registry, RepositoryName repo, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Digest digest = DigestAlgorithm.SHA256.digest(bytes);
        registry.pushBlob(ME, repo, digest, UploadChunk.of(bytes));
        return digest;
    }

    private static Digest image(Registry registry, RepositoryName repo, String tag, String seed) {
        Digest config = blob(registry, repo, "{\"seed\":\"" + seed + "\"}");
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":" + (11 + seed.length())
                + "},\"layers\":[]}";
        return registry.pushManifest(ME, repo, Tag.of(tag), MediaTypes.OCI_MANIFEST,
                json.getBytes(StandardCharsets.UTF_8), List.of()).digest();
    }

    @Test
    void shouldRecordEveryChangeOnceInOrderWithTheNumbersTheListenersHear() {
        List<RegistryEvent> heard = new CopyOnWriteArrayList<>();
        try (Registry registry = Registry.builder().listener(heard::add).build()) {
            Digest manifest = image(registry, APP, "v1", "a");
            Digest layer = blob(registry, APP, "a layer");
            registry.mount(ME, OTHER, layer, Optional.of(APP));
            registry.deleteBlob(ME, OTHER, layer);
            registry.deleteManifest(ME, APP, Tag.of("v1"));
            registry.pushManifest(ME, APP, Tag.of("v2"), MediaTypes.OCI_MANIFEST,
                    registry.manifest(ME, APP, manifest).bytes(), List.of(Tag.of("v3")));
            registry.deleteManifest(ME, APP, manifest);

            EventPage page = registry.events(ME, 0, 100);
            assertThat(page.events()).isEqualTo(heard);
            assertThat(page.events()).extracting(RegistryEvent::type).containsExactly(
                    Type.REPOSITORY_CREATED, Type.BLOB_UPLOADED, Type.MANIFEST_PUSHED, Type.TAG_UPDATED,
                    Type.BLOB_UPLOADED, Type.REPOSITORY_CREATED, Type.BLOB_MOUNTED, Type.BLOB_DELETED,
                    Type.REPOSITORY_EMPTIED, Type.TAG_DELETED, Type.MANIFEST_PUSHED, Type.TAG_UPDATED, Type.TAG_UPDATED,
                    Type.TAG_DELETED, Type.TAG_DELETED, Type.MANIFEST_DELETED);
            assertThat(page.events().get(5).repository()).hasValue(OTHER);
            assertThat(page.events().get(8).repository()).hasValue(OTHER);
            List<Long> numbers = new ArrayList<>();
            for (long n = 1; n <= 16; n++) {
                numbers.add(n);
            }
            assertThat(page.events()).extracting(RegistryEvent::sequence).containsExactlyElementsOf(numbers);
            assertThat(page.next()).isEqualTo(16);
            assertThat(page.hasMore()).isFalse();
            assertThat(registry.events(ME, 10, 2).events()).extracting(RegistryEvent::sequence).containsExactly(11L, 12L);
        }
    }

    @Test
    void shouldShowACallerOnlyTheEventsOfRepositoriesItMayPull() {
        try (Registry registry = Registry.builder().authorizer((caller, action, repo) -> action != Action.PULL
                || !repo.equals(HIDDEN)).build()) {
            for (int i = 0; i < 30; i++) {
                image(registry, HIDDEN, "t" + i, "h" + i);
            }
            image(registry, APP, "v1", "visible");

            List<RegistryEvent> seen = new ArrayList<>();
            long after = 0;
            int pages = 0;
            EventPage page;
            do {
                page = registry.events(ME, after, 2);
                seen.addAll(page.events());
                after = page.next();
                pages++;
            } while (page.hasMore() && pages < 100);
            assertThat(seen).extracting(e -> e.repository().orElseThrow()).containsOnly(APP);
            assertThat(seen).extracting(RegistryEvent::type).containsExactly(Type.REPOSITORY_CREATED,
                    Type.BLOB_UPLOADED, Type.MANIFEST_PUSHED, Type.TAG_UPDATED);
            assertThat(pages).as("a page looks at no more than 10 events per one it may show").isGreaterThan(3);
            assertThatThrownBy(() -> registry.events(ME, -1, 10)).isInstanceOf(RegistryException.class)
                    .extracting(e -> ((RegistryException) e).code()).isEqualTo(ErrorCode.PAGINATION_NUMBER_INVALID);
        }
    }

    @Test
    void shouldDropEventsOlderThanTheRetentionWhenCollecting() {
        UploadSemanticsTest.MutableClock clock = new UploadSemanticsTest.MutableClock();
        try (Registry registry = Registry.builder().clock(clock).eventRetention(Duration.ofHours(1)).build()) {
            image(registry, APP, "old", "old");
            clock.now = clock.now.plus(Duration.ofHours(2));
            image(registry, APP, "new", "new");
            registry.collectGarbage();
            EventPage page = registry.events(ME, 0, 100);
            assertThat(page.events()).extracting(e -> e.tag().map(Tag::value).orElse("-"))
                    .containsExactly("-", "-", "new");
            assertThat(page.events().get(0).sequence()).as("the repository's creation went with the old ones")
                    .isEqualTo(5);
        }
    }

    @Test
    void shouldSayWhenTheStoreKeepsNoLog() {
        InMemoryMetadataStore memory = new InMemoryMetadataStore();
        // A store without a log: it says so, and records nothing it is given.
        ForwardingMetadataStore noLog = new ForwardingMetadataStore(memory) {
            @Override
            public Optional<EventLog> eventLog() {
                return Optional.empty();
            }

            @Override
            public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents events) {
                super.linkBlob(repository, digest, size, PendingEvents.none());
            }

            @Override
            public boolean putManifest(RepositoryName repository, ManifestRecord manifest,
                                       java.util.Collection<dev.wharf.api.TagMove> moves, PendingEvents events) {
                return super.putManifest(repository, manifest, moves, PendingEvents.none());
            }
        };
        List<RegistryEvent> heard = new CopyOnWriteArrayList<>();
        try (Registry registry = Registry.builder().metadataStore(noLog).listener(heard::add).build()) {
            image(registry, APP, "v1", "x");
            assertThat(heard).extracting(RegistryEvent::sequence).containsOnly(0L);
            assertThat(heard).as("a store without a log reports no repository events").hasSize(3);
            assertThatThrownBy(() -> registry.events(ME, 0, 10)).isInstanceOf(RegistryException.class)
                    .extracting(e -> ((RegistryException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED);
        }
    }
}
