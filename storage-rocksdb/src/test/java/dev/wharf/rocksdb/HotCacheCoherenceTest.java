package dev.wharf.rocksdb;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The read cache never serves a tag, manifest or blob link that a completed write has changed. */
class HotCacheCoherenceTest {
    @TempDir
    Path dir;

    private static ManifestRecord record(int i) {
        byte[] bytes = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes),
                Set.of(), Set.of(), Optional.empty(), Optional.empty(), Map.of());
    }

    /** Starts four threads that run {@code read} over and over until {@code stop} is set. */
    private static List<Thread> startReaders(AtomicBoolean stop, Runnable read) {
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    read.run();
                }
            });
            t.start();
            readers.add(t);
        }
        return readers;
    }

    /** Default budget (no eviction here), and a budget of a few entries, so eviction races the writers too. */
    @ParameterizedTest(name = "read cache {0} bytes")
    @ValueSource(longs = {-1, 4096})
    void shouldSeeEveryCompletedMoveWhileReadersRace(long cacheBytes) throws Exception {
        RepositoryName repo = RepositoryName.of("hot/repo");
        Tag tag = Tag.of("latest");
        RocksDbOptions options = RocksDbOptions.defaults().withSyncWrites(false);
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir,
                cacheBytes < 0 ? options : options.withReadCacheBytes(cacheBytes))) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> readers = startReaders(stop,
                    () -> store.resolveTag(repo, tag).ifPresent(d -> store.manifestContent(repo, d)));
            Digest previous = null;
            for (int i = 0; i < 2000; i++) {
                ManifestRecord m = record(i);
                store.putManifest(repo, m, List.of(new TagMove(tag, Optional.ofNullable(previous),
                        Optional.of(m.digest()), Instant.EPOCH)));
                assertThat(store.resolveTag(repo, tag)).contains(m.digest());
                if (previous != null && i % 3 == 0) {
                    store.deleteManifest(repo, previous, Instant.EPOCH);
                    assertThat(store.manifestContent(repo, previous)).isEmpty();
                }
                previous = m.digest();
            }
            store.deleteTag(repo, tag, Instant.EPOCH);
            assertThat(store.resolveTag(repo, tag)).isEmpty();
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(store.resolveTag(repo, tag)).isEmpty();
        }
    }

    /** Readers race the writer's links and unlinks of a few blobs; after each call returns it is what is read. */
    @ParameterizedTest(name = "read cache {0} bytes")
    @ValueSource(longs = {-1, 4096})
    void shouldSeeEveryCompletedUnlinkWhileReadersRace(long cacheBytes) throws Exception {
        RepositoryName repo = RepositoryName.of("hot/links");
        List<Digest> blobs = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            blobs.add(DigestAlgorithm.SHA256.digest(("blob" + b).getBytes(StandardCharsets.UTF_8)));
        }
        RocksDbOptions options = RocksDbOptions.defaults().withSyncWrites(false);
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir,
                cacheBytes < 0 ? options : options.withReadCacheBytes(cacheBytes))) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> readers = startReaders(stop, () -> blobs.forEach(blob -> store.isBlobLinked(repo, blob)));
            for (int i = 0; i < 3000; i++) {
                Digest blob = blobs.get(i % blobs.size());
                if (store.isBlobLinked(repo, blob)) {
                    assertThat(store.unlinkBlob(repo, blob, dev.wharf.spi.PendingEvents.none())).isTrue();
                    assertThat(store.isBlobLinked(repo, blob)).as("unlinked, round %d", i).isFalse();
                } else {
                    store.linkBlob(repo, blob, 10, dev.wharf.spi.PendingEvents.none());
                    assertThat(store.isBlobLinked(repo, blob)).as("linked, round %d", i).isTrue();
                }
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            for (Digest blob : blobs) {
                assertThat(store.isBlobLinked(repo, blob)).isEqualTo(store.repositoriesLinking(blob, Optional.empty(), 10)
                        .items().contains(repo));
            }
        }
    }
}
