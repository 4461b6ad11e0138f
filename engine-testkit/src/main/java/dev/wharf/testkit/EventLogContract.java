package dev.wharf.testkit;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.PendingEvents;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.wharf.testkit.MetadataFixtures.REPO;
import static dev.wharf.testkit.MetadataFixtures.T0;
import static dev.wharf.testkit.MetadataFixtures.digest;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link EventLog} contract, for stores that keep one ({@link MetadataStore#eventLog()}; skipped, saying why,
 * for those that do not): events given to a change are recorded with it, exactly when it happens, numbered from 1
 * in commit order without reuse; each event reads back as written; trimming drops a prefix; cursors persist; and,
 * for a durable store, all of it survives reopening. Run through {@link MetadataStoreContract}.
 */
public interface EventLogContract extends MetadataStoreUnderTest {

    private EventLog log() {
        Optional<EventLog> log = store().eventLog();
        Assumptions.assumeTrue(log.isPresent(), "the store keeps no event log (eventLog() is empty)");
        return log.get();
    }

    private static RegistryEvent event(RegistryEvent.Type type, ManifestRecord m, Optional<Tag> tag, Caller caller) {
        return new RegistryEvent(type, RegistryEvent.Origin.CLIENT, Optional.of(REPO), Optional.of(m.digest()), tag,
                Optional.of(m.manifest().mediaType()), m.artifactType(),
                OptionalLong.of(m.manifest().size()), caller, T0);
    }

    /**
     * The events as they compare after a round trip through a store: a principal comes back as one with the same
     * name, not the same object.
     */
    private static List<String> kept(List<RegistryEvent> events) {
        return events.stream().map(e -> String.join(" ", e.type().name(), e.origin().name(),
                String.valueOf(e.repository()), String.valueOf(e.digest()), String.valueOf(e.tag()),
                String.valueOf(e.mediaType()), String.valueOf(e.artifactType()), String.valueOf(e.size()),
                e.caller().principal().map(Principal::getName).orElse("(anonymous)"), String.valueOf(e.time()),
                Long.toString(e.sequence()))).toList();
    }

    private static List<Long> sequences(List<RegistryEvent> events) {
        return events.stream().map(RegistryEvent::sequence).toList();
    }

    @Test
    default void shouldRecordEventsWithTheChangeTheyReportAndNumberThemInOrder() {
        EventLog log = log();
        MetadataStore store = store();
        store.linkBlob(REPO, digest("base")); // the repository exists: no REPOSITORY_CREATED below
        long start = log.lastSequence();
        ManifestRecord m = manifest("evented");
        Principal alice = () -> "alice";
        PendingEvents pushed = PendingEvents.of(List.of(
                event(RegistryEvent.Type.MANIFEST_PUSHED, m, Optional.empty(), Caller.of(alice)),
                event(RegistryEvent.Type.TAG_UPDATED, m, Optional.of(Tag.of("v1")), Caller.of(alice))));
        TagMove move = new TagMove(Tag.of("v1"), Optional.empty(), Optional.of(m.digest()), T0);
        assertThat(store.putManifest(REPO, m, List.of(move), pushed)).isTrue();

        assertThat(sequences(pushed.delivered())).containsExactly(start + 1, start + 2);
        List<RegistryEvent> read = log.events(start, 10);
        assertThat(kept(read)).isEqualTo(kept(pushed.delivered()));
        assertThat(read.get(0).caller().principal().map(Principal::getName)).hasValue("alice");
        assertThat(read.get(1).tag()).hasValue(Tag.of("v1"));
        assertThat(read.get(1).mediaType()).hasValue(m.manifest().mediaType());
        assertThat(log.lastSequence()).isEqualTo(start + 2);

        // A change that does not happen records nothing: a lost compare-and-set, an absent tag or manifest.
        PendingEvents lost = PendingEvents.of(List.of(event(RegistryEvent.Type.TAG_UPDATED, m, Optional.of(Tag.of("v1")),
                Caller.anonymous())));
        TagMove stale = new TagMove(Tag.of("v1"), Optional.empty(), Optional.of(m.digest()), T0);
        assertThat(store.putManifest(REPO, m, List.of(stale), lost)).isFalse();
        assertThat(store.deleteTag(REPO, Tag.of("nope"), T0, lost)).isFalse();
        assertThat(store.deleteManifest(REPO, digest("absent"), T0, lost)).isFalse();
        assertThat(store.unlinkBlob(REPO, digest("never-linked"), lost)).isFalse();
        assertThat(log.lastSequence()).isEqualTo(start + 2);
        assertThat(log.events(start + 2, 10)).isEmpty();

        PendingEvents deleted = PendingEvents.of(List.of(event(RegistryEvent.Type.TAG_DELETED, m,
                Optional.of(Tag.of("v1")), Caller.anonymous())));
        assertThat(store.deleteTag(REPO, Tag.of("v1"), T0, deleted)).isTrue();
        assertThat(sequences(deleted.delivered())).containsExactly(start + 3);
        store.linkBlob(REPO, digest("layer"), 5, PendingEvents.of(List.of(new RegistryEvent(RegistryEvent.Type.BLOB_UPLOADED,
                RegistryEvent.Origin.CLIENT, Optional.of(REPO), Optional.of(digest("layer")), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalLong.of(5), Caller.anonymous(), T0))));
        assertThat(sequences(log.events(start, 10))).containsExactly(start + 1, start + 2, start + 3, start + 4);
        assertThat(sequences(log.events(start + 1, 2))).containsExactly(start + 2, start + 3);
    }

    @Test
    default void shouldNumberConcurrentChangesWithoutGapsOrRepeats() throws Exception {
        EventLog log = log();
        MetadataStore store = store();
        store.linkBlob(REPO, digest("base"));
        long start = log.lastSequence();
        int writers = 8;
        int each = 50;
        ConcurrentLinkedQueue<Long> given = new ConcurrentLinkedQueue<>();
        Parallel.run(writers, w -> () -> {
            for (int i = 0; i < each; i++) {
                ManifestRecord m = manifest("w" + w + "-" + i);
                PendingEvents pending = PendingEvents.of(List.of(event(RegistryEvent.Type.MANIFEST_PUSHED, m,
                        Optional.empty(), Caller.anonymous())));
                store.putManifest(REPO, m, List.of(), pending);
                given.add(pending.delivered().get(0).sequence());
            }
            return null;
        });
        List<Long> expected = new ArrayList<>();
        for (long n = start + 1; n <= start + (long) writers * each; n++) {
            expected.add(n);
        }
        assertThat(given).containsExactlyInAnyOrderElementsOf(expected);
        List<RegistryEvent> all = new ArrayList<>();
        long after = start;
        List<RegistryEvent> page;
        while (!(page = log.events(after, 37)).isEmpty()) {
            all.addAll(page);
            after = page.get(page.size() - 1).sequence();
        }
        assertThat(sequences(all)).containsExactlyElementsOf(expected);
    }

    @Test
    default void shouldTrimAPrefixKeepCursorsAndNeverReuseANumber() throws Exception {
        EventLog log = log();
        MetadataStore store = store();
        store.linkBlob(REPO, digest("base"));
        long start = log.lastSequence();
        for (int i = 0; i < 5; i++) {
            ManifestRecord m = manifest("t" + i);
            store.putManifest(REPO, m, List.of(), PendingEvents.of(List.of(event(RegistryEvent.Type.MANIFEST_PUSHED,
                    m, Optional.empty(), Caller.anonymous()))));
        }
        assertThat(log.firstSequence()).isLessThanOrEqualTo(start + 1);
        assertThat(log.trimEvents(start + 3)).isGreaterThanOrEqualTo(3);
        assertThat(log.firstSequence()).isEqualTo(start + 4);
        assertThat(sequences(log.events(0, 10))).containsExactly(start + 4, start + 5);
        assertThat(log.trimEvents(start + 5)).isEqualTo(2);
        assertThat(log.events(0, 10)).isEmpty();
        assertThat(log.firstSequence()).isEqualTo(start + 6);
        assertThat(log.lastSequence()).isEqualTo(start + 5);

        assertThat(log.cursor("hooks")).isEmpty();
        log.putCursor("hooks", start + 4);
        log.putCursor("audit", 1);
        assertThat(log.cursor("hooks")).hasValue(start + 4);
        log.putCursor("hooks", start + 5);
        assertThat(log.cursor("hooks")).hasValue(start + 5);

        PendingEvents later = PendingEvents.of(List.of(new RegistryEvent(RegistryEvent.Type.BLOB_COLLECTED,
                RegistryEvent.Origin.GARBAGE_COLLECTION, Optional.empty(), Optional.of(digest("gone")), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalLong.of(9), Caller.anonymous(), T0)));
        log.appendEvents(later);
        assertThat(sequences(later.delivered())).as("numbers go on after a trim").containsExactly(start + 6);
    }

    @Test
    default void shouldKeepEventsCursorsAndNumbersAcrossReopening() throws Exception {
        EventLog log = log();
        store().linkBlob(REPO, digest("base"));
        long start = log.lastSequence();
        for (int i = 0; i < 5; i++) {
            ManifestRecord m = manifest("d" + i);
            store().putManifest(REPO, m, List.of(), PendingEvents.of(List.of(event(RegistryEvent.Type.MANIFEST_PUSHED,
                    m, Optional.empty(), Caller.anonymous()))));
        }
        log.trimEvents(start + 5);
        log.putCursor("hooks", start + 5);
        log.putCursor("audit", 1);
        PendingEvents later = PendingEvents.of(List.of(new RegistryEvent(RegistryEvent.Type.BLOB_COLLECTED,
                RegistryEvent.Origin.GARBAGE_COLLECTION, Optional.empty(), Optional.of(digest("gone")), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalLong.of(9), Caller.anonymous(), T0)));
        log.appendEvents(later);

        MetadataStore reopened = reopen();
        EventLog again = reopened.eventLog().orElseThrow();
        assertThat(again.lastSequence()).isEqualTo(start + 6);
        assertThat(kept(again.events(0, 10))).isEqualTo(kept(later.delivered()));
        assertThat(again.cursor("hooks")).hasValue(start + 5);
        assertThat(again.cursor("audit")).hasValue(1);
        again.trimEvents(start + 6);
        PendingEvents afterEmpty = PendingEvents.of(later.events());
        again.appendEvents(afterEmpty);
        assertThat(sequences(afterEmpty.delivered())).as("not reused though the log was empty")
                .containsExactly(start + 7);
        MetadataStore third = reopen();
        assertThat(third.eventLog().orElseThrow().lastSequence()).isEqualTo(start + 7);
    }

    @Test
    default void shouldReportARepositoryCreatedByItsFirstContentAndEmptiedByItsLast() {
        EventLog log = log();
        MetadataStore store = store();
        RepositoryName fresh = MetadataFixtures.repo("events/fresh");
        long start = log.lastSequence();
        RegistryEvent linked = new RegistryEvent(RegistryEvent.Type.BLOB_UPLOADED, RegistryEvent.Origin.CLIENT,
                Optional.of(fresh), Optional.of(digest("first")), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.of(5), Caller.anonymous(), T0);
        PendingEvents first = PendingEvents.of(List.of(linked));
        store.linkBlob(fresh, digest("first"), 5, first);
        assertThat(first.delivered()).extracting(RegistryEvent::type)
                .containsExactly(RegistryEvent.Type.REPOSITORY_CREATED, RegistryEvent.Type.BLOB_UPLOADED);
        assertThat(first.delivered().get(0).repository()).hasValue(fresh);
        assertThat(first.delivered().get(0).digest()).isEmpty();

        PendingEvents second = PendingEvents.of(List.of(linked));
        store.linkBlob(fresh, digest("second"), 6, second);
        assertThat(second.delivered()).extracting(RegistryEvent::type).containsExactly(RegistryEvent.Type.BLOB_UPLOADED);

        store.unlinkBlob(fresh, digest("first"));
        PendingEvents last = PendingEvents.of(List.of(new RegistryEvent(RegistryEvent.Type.BLOB_DELETED,
                RegistryEvent.Origin.CLIENT, Optional.of(fresh), Optional.of(digest("second")), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalLong.of(5), Caller.anonymous(), T0)));
        assertThat(store.unlinkBlob(fresh, digest("second"), last)).isTrue();
        assertThat(last.delivered()).extracting(RegistryEvent::type)
                .containsExactly(RegistryEvent.Type.BLOB_DELETED, RegistryEvent.Type.REPOSITORY_EMPTIED);
        assertThat(log.events(start, 10)).extracting(RegistryEvent::type).containsExactly(
                RegistryEvent.Type.REPOSITORY_CREATED, RegistryEvent.Type.BLOB_UPLOADED,
                RegistryEvent.Type.BLOB_UPLOADED, RegistryEvent.Type.BLOB_DELETED,
                RegistryEvent.Type.REPOSITORY_EMPTIED);

        ManifestRecord m = manifest("first-manifest");
        PendingEvents pushed = PendingEvents.of(List.of(event(RegistryEvent.Type.MANIFEST_PUSHED, m, Optional.empty(),
                Caller.anonymous())));
        RepositoryName other = MetadataFixtures.repo("events/other");
        store.putManifest(other, m, List.of(), pushed);
        assertThat(pushed.delivered()).extracting(RegistryEvent::type)
                .containsExactly(RegistryEvent.Type.REPOSITORY_CREATED, RegistryEvent.Type.MANIFEST_PUSHED);
        PendingEvents deleted = PendingEvents.of(List.of(event(RegistryEvent.Type.MANIFEST_DELETED, m,
                Optional.empty(), Caller.anonymous())));
        store.deleteManifest(other, m.digest(), T0, deleted);
        assertThat(deleted.delivered()).extracting(RegistryEvent::type)
                .containsExactly(RegistryEvent.Type.MANIFEST_DELETED, RegistryEvent.Type.REPOSITORY_EMPTIED);
    }
}
