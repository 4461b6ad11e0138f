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
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tag's creation numbers its history entry without reading the history: the entry still comes out newest,
 * above entries numbered the old way (by reading) and across a restart, and the history stays bounded.
 */
class TagHistoryNumberingTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("team/app");
    private static final Tag LATEST = Tag.of("latest");
    private static final Digest A = DigestAlgorithm.SHA256.digest("a".getBytes(StandardCharsets.UTF_8));
    private static final Digest B = DigestAlgorithm.SHA256.digest("b".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private static byte[] manifest(Digest config, int configSize, String name) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":" + configSize
                + "},\"layers\":[],\"annotations\":{\"n\":\"" + name + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes {@code name}'s manifest as {@code tag}; returns its digest. */
    private static Digest push(Registry registry, Tag tag, String name) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        Digest configDigest = DigestAlgorithm.SHA256.digest(config);
        registry.pushBlob(ME, REPO, configDigest, UploadChunk.of(config));
        return registry.pushManifest(ME, REPO, tag, MediaTypes.OCI_MANIFEST,
                manifest(configDigest, config.length, name), List.of()).digest();
    }

    /** Each move starts where the one before it (the next, older entry) ended, and no two are at one key. */
    private static void assertChained(List<TagMove> history) {
        for (int i = 0; i + 1 < history.size(); i++) {
            assertThat(history.get(i).from()).as("move %d starts where the older one ended", i)
                    .isEqualTo(history.get(i + 1).to());
        }
    }

    @Test
    void shouldPutACreationAboveHistoryNumberedByReadingAndAcrossARestart() {
        Instant before = Instant.parse("2026-01-01T00:00:00Z");
        Digest first;
        Digest second;
        RocksDbMetadataStore store = RocksDbMetadataStore.open(dir);
        try (Registry registry = Registry.builder().metadataStore(store).build()) {
            for (int i = 0; i < 5; i++) {
                push(registry, Tag.of("other" + i), "other" + i); // the database's sequence number moves on
            }
            // What an older build left of a tag created, moved and deleted: numbered from the top, by reading.
            store.putTagHistoryEntry(REPO, new TagMove(LATEST, Optional.empty(), Optional.of(A), before), Long.MAX_VALUE);
            store.putTagHistoryEntry(REPO, new TagMove(LATEST, Optional.of(A), Optional.of(B), before.plusSeconds(1)),
                    Long.MAX_VALUE - 1);
            store.putTagHistoryEntry(REPO, new TagMove(LATEST, Optional.of(B), Optional.empty(), before.plusSeconds(2)),
                    Long.MAX_VALUE - 2);

            first = push(registry, LATEST, "first"); // created again: numbered without reading
            List<TagMove> history = registry.tagHistory(ME, REPO, LATEST);
            assertThat(history).hasSize(4);
            assertThat(history.get(0).from()).isEmpty();
            assertThat(history.get(0).to()).contains(first);
            assertThat(history.get(1).at()).isEqualTo(before.plusSeconds(2));
            assertChained(history);
            assertThat(store.tagHistoryNumbers(REPO, LATEST).get(0)).isLessThan(Long.MAX_VALUE - 2);

            second = push(registry, LATEST, "second"); // moved: numbered below the newest, by reading
            assertThat(registry.tagHistory(ME, REPO, LATEST).get(0).to()).contains(second);
            registry.deleteManifest(ME, REPO, LATEST);
        }
        try (Registry registry = Registry.builder().metadataStore(RocksDbMetadataStore.open(dir)).build()) {
            Digest third = push(registry, LATEST, "third"); // created after a restart
            List<TagMove> history = registry.tagHistory(ME, REPO, LATEST);
            assertThat(history).extracting(m -> m.to().orElse(null))
                    .containsExactly(third, null, second, first, null, B, A);
            assertChained(history);
        }
    }

    @Test
    void shouldKeepAtMostOneEntryBeyondTheLimitWhenATagIsCreatedAndDeletedOverAndOver() {
        Tag tag = Tag.of("flapping");
        RocksDbMetadataStore store = RocksDbMetadataStore.open(dir);
        try (Registry registry = Registry.builder().metadataStore(store).build()) {
            for (int i = 0; i < TagStore.TAG_HISTORY_LIMIT + 5; i++) {
                push(registry, tag, "v" + i);
                assertThat(store.tagHistoryNumbers(REPO, tag)).hasSizeLessThanOrEqualTo(TagStore.TAG_HISTORY_LIMIT + 1);
                registry.deleteManifest(ME, REPO, tag);
                assertThat(store.tagHistoryNumbers(REPO, tag)).hasSizeLessThanOrEqualTo(TagStore.TAG_HISTORY_LIMIT);
            }
            Digest last = push(registry, tag, "final");
            assertThat(store.tagHistoryNumbers(REPO, tag)).hasSize(TagStore.TAG_HISTORY_LIMIT + 1);
            List<TagMove> history = registry.tagHistory(ME, REPO, tag);
            assertThat(history).hasSize(TagStore.TAG_HISTORY_LIMIT);
            assertThat(history.get(0).to()).contains(last);
            assertThat(history.get(1).to()).isEmpty();
            assertChained(history);
        }
    }
}
