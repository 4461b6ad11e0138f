package dev.wharf.rocksdb;

import dev.wharf.api.Caller;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.PendingEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once a sink reads the log, the latest events are read from memory, exactly as the log holds them, with writers
 * appending meanwhile, and never once trimmed.
 */
class RecentEventsTest {
    @TempDir
    Path dir;

    /** {@code n} tag updates by a named caller, their times with nanoseconds (the log keeps milliseconds). */
    private static PendingEvents updates(int first, int n) {
        Principal ci = () -> "ci";
        List<RegistryEvent> events = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            events.add(new RegistryEvent(RegistryEvent.Type.TAG_UPDATED, RegistryEvent.Origin.CLIENT,
                    Optional.of(RepositoryName.of("team/app" + i % 3)),
                    Optional.of(DigestAlgorithm.SHA256.digest(("m" + i).getBytes(StandardCharsets.UTF_8))),
                    Optional.of(Tag.of("t" + i)), Optional.of("application/vnd.oci.image.manifest.v1+json"),
                    Optional.empty(), OptionalLong.of(i), Caller.of(ci),
                    Instant.ofEpochSecond(1_700_000_000L + i, 123_456_789)));
        }
        return PendingEvents.of(events);
    }

    @Test
    void shouldReadTheLatestEventsFromMemoryAsTheLogHoldsThem() {
        int total = (Database.RECENT_EVENTS + 1000) / 50 * 50; // whole batches of 50, well past what memory keeps
        List<RegistryEvent> all;
        List<RegistryEvent> latest;
        long start;
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            EventLog log = store.eventLog().orElseThrow();
            start = log.lastSequence();
            log.appendEvents(updates(0, 50));
            assertThat(log.events(start, 50)).hasSize(50); // a reader that is not a sink (the events endpoint)...
            log.appendEvents(updates(50, 50));
            assertThat(store.eventsInMemory(start + 51, start + 100)).isFalse(); // ...has nothing kept in memory
            log.awaitDurable(); // a sink's first wait before it delivers
            for (int i = 100; i < total; i += 50) {
                log.appendEvents(updates(i, 50));
            }
            assertThat(log.lastSequence()).isEqualTo(start + total);
            assertThat(store.eventsInMemory(start + total - 99, start + total)).isTrue();
            assertThat(store.eventsInMemory(start + 1, start + 100)).isFalse(); // overwritten by later ones
            latest = log.events(start + total - 100, 100);
            all = log.events(start, total + 10);
            assertThat(all).hasSize(total);
            assertThat(latest).isEqualTo(all.subList(total - 100, total));
            assertThat(latest.get(99).time()).isEqualTo(Instant.ofEpochMilli((1_700_000_000L + total - 1) * 1000 + 123));
            assertThat(log.events(start + total, 10)).isEmpty();
        }
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            EventLog log = store.eventLog().orElseThrow();
            assertThat(store.eventsInMemory(start + total - 99, start + total)).isFalse(); // read from the log now
            assertThat(log.events(start + total - 100, 100)).isEqualTo(latest);
            assertThat(log.events(start, total + 10)).isEqualTo(all);
        }
    }

    @Test
    void shouldAnswerWhatTheLogHoldsWhileWritersAppend() throws Exception {
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            EventLog log = store.eventLog().orElseThrow();
            long start = log.lastSequence();
            log.awaitDurable(); // as a sink does before it delivers: from now on the latest events are kept
            int writers = 4;
            int each = 400;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            try {
                for (int w = 0; w < writers; w++) {
                    int base = w * 100_000;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            int n = 1 + i % 3;
                            log.appendEvents(updates(base + i * 3, n));
                            written.addAndGet(n);
                        }
                        return null;
                    }));
                }
                long after = start;
                int fromMemory = 0;
                long perWriter = 0;
                for (int i = 0; i < each; i++) {
                    perWriter += 1 + i % 3;
                }
                long expected = start + writers * perWriter;
                while (after < expected) {
                    long visible = log.lastSequence();
                    boolean inMemory = visible > after && store.eventsInMemory(after + 1, Math.min(visible, after + 100));
                    List<RegistryEvent> got = log.events(after, 100);
                    if (got.isEmpty()) {
                        Thread.onSpinWait();
                        continue;
                    }
                    long last = got.get(got.size() - 1).sequence();
                    assertThat(got).extracting(RegistryEvent::sequence).first().isEqualTo(after + 1);
                    assertThat(last - after).isEqualTo(got.size()); // no number skipped, none repeated
                    assertThat(got).isEqualTo(store.eventsFromLog(after, last));
                    fromMemory += inMemory ? 1 : 0;
                    after = last;
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
                assertThat(after).isEqualTo(start + written.get());
                assertThat(fromMemory).isPositive();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void shouldNotReadTrimmedEventsFromMemory() {
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            EventLog log = store.eventLog().orElseThrow();
            long start = log.lastSequence();
            log.awaitDurable(); // as a sink does: from now on the latest events are kept
            log.appendEvents(updates(0, 10));
            assertThat(store.eventsInMemory(start + 1, start + 10)).isTrue();
            assertThat(log.trimEvents(start + 5)).isEqualTo(5);
            assertThat(log.events(start, 100)).extracting(RegistryEvent::sequence)
                    .containsExactly(start + 6, start + 7, start + 8, start + 9, start + 10);
            assertThat(store.eventsInMemory(start + 6, start + 10)).isTrue();
            assertThat(log.events(start + 7, 2)).extracting(RegistryEvent::sequence)
                    .containsExactly(start + 8, start + 9);
        }
    }
}
