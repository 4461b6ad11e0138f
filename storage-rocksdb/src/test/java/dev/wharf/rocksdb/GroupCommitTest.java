package dev.wharf.rocksdb;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** sync() really puts changes in the synced WAL, and concurrent writers share syncs. */
class GroupCommitTest {
    @TempDir
    Path dir;

    private RocksDbMetadataStore openWithStatistics() {
        return RocksDbMetadataStore.open(dir, RocksDbOptions.defaults().withStatistics(true));
    }

    private static void link(RocksDbMetadataStore store, int i) {
        store.linkBlob(RepositoryName.of("repo" + (i % 7)),
                DigestAlgorithm.SHA256.digest(("blob" + i).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSyncTheWalOnceForEachSequentialChange() {
        try (RocksDbMetadataStore store = openWithStatistics()) {
            long before = store.walSyncs();
            for (int i = 0; i < 20; i++) {
                link(store, i);
                store.sync();
            }
            assertThat(store.walSyncs() - before).isEqualTo(20);
            store.sync(); // nothing new written: no sync
            assertThat(store.walSyncs() - before).isEqualTo(20);
        }
    }

    @Test
    void shouldShareSyncsBetweenConcurrentWriters() throws Exception {
        try (RocksDbMetadataStore store = openWithStatistics()) {
            long before = store.walSyncs();
            int writers = 16;
            int perWriter = 25;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int base = w * perWriter;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perWriter; i++) {
                            link(store, base + i);
                            store.sync();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long syncs = store.walSyncs() - before;
            assertThat(syncs).isPositive().isLessThan((long) writers * perWriter);
            for (int i = 0; i < writers * perWriter; i++) {
                assertThat(store.isBlobLinked(RepositoryName.of("repo" + (i % 7)),
                        DigestAlgorithm.SHA256.digest(("blob" + i).getBytes(StandardCharsets.UTF_8)))).isTrue();
            }
        }
    }

    @Test
    void shouldLetAnEventSinkWaitForTheWritersSyncRatherThanRunItsOwn() throws Exception {
        try (RocksDbMetadataStore store = openWithStatistics()) {
            for (int round = 0; round < 5; round++) {
                link(store, 2 * round); // written, not yet synced: a sink reads its event before the writer syncs
                long before = store.walSyncs();
                Thread sink = new Thread(() -> store.awaitEventsDurable(TimeUnit.SECONDS.toNanos(30)));
                sink.start();
                Thread.sleep(50); // a sink that synced at once would have done it by now
                link(store, 2 * round + 1); // the writers go on
                store.sync(); // and sync before they answer: that sync covers the sink's events too
                sink.join(10_000);
                assertThat(sink.isAlive()).isFalse();
                assertThat(store.walSyncs() - before).as("one sync for the writers and the sink").isEqualTo(1);
            }
        }
    }

    @Test
    void shouldSyncForAnEventSinkItselfWhenNoWriterDoesWithinItsPatience() {
        try (RocksDbMetadataStore store = openWithStatistics()) {
            EventLog log = store.eventLog().orElseThrow();
            link(store, 1); // a change written without a sync (an upload's start is one)
            long before = store.walSyncs();
            log.awaitDurable(); // nobody else will sync: after its patience the sink does
            assertThat(store.walSyncs() - before).isEqualTo(1);
            long after = store.walSyncs();
            log.awaitDurable(); // everything is durable already: back at once, no sync
            assertThat(store.walSyncs()).isEqualTo(after);
        }
    }

    @Test
    void shouldMakeEveryAcknowledgedEngineChangeDurable() {
        RocksDbMetadataStore store = openWithStatistics();
        try (dev.wharf.api.Registry registry = dev.wharf.api.Registry.builder().metadataStore(store).build()) {
            dev.wharf.api.Caller me = dev.wharf.api.Caller.anonymous();
            RepositoryName repo = RepositoryName.of("team/app");
            byte[] bytes = "layer".getBytes(StandardCharsets.UTF_8);
            long before = store.walSyncs();
            registry.pushBlob(me, repo, DigestAlgorithm.SHA256.digest(bytes), dev.wharf.api.UploadChunk.of(bytes));
            long afterPush = store.walSyncs();
            assertThat(afterPush).isGreaterThan(before);
            // Opening an empty session is the one change that does not wait for a sync (it holds no bytes)...
            String id = registry.startUpload(me, repo, java.util.Optional.empty()).session().orElseThrow().id();
            assertThat(store.walSyncs()).isEqualTo(afterPush);
            // ...its first acknowledged chunk syncs the session along with the chunk's offset.
            registry.appendUpload(me, repo, id, dev.wharf.api.UploadChunk.of(bytes));
            long afterChunk = store.walSyncs();
            assertThat(afterChunk).isGreaterThan(afterPush);
            registry.cancelUpload(me, repo, id);
            assertThat(store.walSyncs()).isGreaterThan(afterChunk);
        }
    }
}
