package dev.wharf.rocksdb;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.api.UploadChunk;
import dev.wharf.spi.TagStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sixteen clients push to one repository on RocksDB at once, as the tag-creation benchmark does, all moving
 * one tag and each creating its own: pushes share the repository and race for the tag, and after a restart
 * the tag, its history and its index say the same thing.
 */
class ConcurrentTagMovesTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("bench/tags");
    private static final Tag LATEST = Tag.of("latest");

    @TempDir
    Path dir;

    @Test
    void shouldKeepTagHistoryAndIndexConsistentAcrossRestartAfterConcurrentPushes() throws Exception {
        int clients = 16;
        int pushes = 15;
        List<Digest> pushed = new ArrayList<>();
        try (Registry registry = Registry.builder().metadataStore(RocksDbMetadataStore.open(dir)).build()) {
            byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
            Digest configDigest = DigestAlgorithm.SHA256.digest(config);
            registry.pushBlob(ME, REPO, configDigest, UploadChunk.of(config));
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<List<Digest>>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    done.add(pool.submit(() -> {
                        start.await();
                        List<Digest> mine = new ArrayList<>();
                        for (int i = 0; i < pushes; i++) {
                            String own = "c" + client + "-" + i;
                            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                                    + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\""
                                    + configDigest + "\",\"size\":" + config.length + "},\"layers\":[],"
                                    + "\"annotations\":{\"n\":\"" + own + "\"}}").getBytes(StandardCharsets.UTF_8);
                            mine.add(registry.pushManifest(ME, REPO, Tag.of(own), MediaTypes.OCI_MANIFEST, manifest,
                                    List.of(LATEST)).digest());
                        }
                        return mine;
                    }));
                }
                start.countDown();
                for (Future<List<Digest>> f : done) {
                    pushed.addAll(f.get(120, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }

        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            Digest latest = store.resolveTag(REPO, LATEST).orElseThrow();
            assertThat(pushed).contains(latest);
            List<TagMove> history = store.tagHistory(REPO, LATEST);
            assertThat(history).hasSize(TagStore.TAG_HISTORY_LIMIT);
            assertThat(history.get(0).to()).contains(latest);
            Set<Digest> seen = new HashSet<>();
            for (int i = 0; i + 1 < history.size(); i++) {
                assertThat(history.get(i).from()).as("move %d starts where the older one ended", i)
                        .isEqualTo(history.get(i + 1).to());
                assertThat(seen.add(history.get(i).to().orElseThrow())).as("no manifest won the tag twice").isTrue();
            }
            for (int c = 0; c < clients; c++) {
                for (int i = 0; i < pushes; i++) {
                    Digest d = pushed.get(c * pushes + i);
                    List<String> tags = store.tagsOf(REPO, d, 10).stream().map(Tag::value).toList();
                    List<String> expected = d.equals(latest) ? List.of("c" + c + "-" + i, "latest")
                            : List.of("c" + c + "-" + i);
                    assertThat(tags).as("tags of the manifest pushed as c%d-%d", c, i).isEqualTo(expected);
                }
            }
        }
    }
}
