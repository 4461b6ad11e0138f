package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.rocksdb.KeySchema.RepoDigest;
import dev.wharf.rocksdb.KeySchema.RepoTag;
import dev.wharf.spi.SearchIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static dev.wharf.rocksdb.KeySchema.Root.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The on-disk schema stays byte for byte what format versions 1 and 2 wrote: existing data directories must open
 * unchanged, so a change here needs a format version bump and a migration, not a new expectation.
 */
class KeySchemaTest {
    /** What a search entry says of its manifest, in the cases that need one. */
    private static final SearchIndex.Summary SUMMARY = new SearchIndex.Summary(
            "application/vnd.oci.image.manifest.v1+json", Optional.of("application/vnd.example"), 1234,
            java.util.Map.of("k", "v"));

    private static final RepositoryName REPO = RepositoryName.of("team/app");
    private static final Digest DIGEST = DigestAlgorithm.SHA256.digest("m".getBytes(StandardCharsets.UTF_8));
    private static final Digest SUBJECT = DigestAlgorithm.SHA256.digest("s".getBytes(StandardCharsets.UTF_8));
    private static final Tag TAG = Tag.of("v1");

    @TempDir
    Path dir;

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Test
    void shouldEncodeEveryKeyAsFormatVersionOneDid() {
        String d = DIGEST.toString();
        assertThat(KeySchema.FORMAT_VERSION).isEqualTo(5);
        assertThat(text(KeySchema.SETTINGS.key(ROOT, KeySchema.FORMAT_KEY))).isEqualTo("wharf.format");
        assertThat(text(KeySchema.REPOSITORIES.key(ROOT, REPO))).isEqualTo("team/app");
        assertThat(text(KeySchema.LINKS.key(REPO, DIGEST))).isEqualTo("team/app\0" + d);
        assertThat(text(KeySchema.LINKERS.key(DIGEST, REPO))).isEqualTo(d + "\0team/app");
        assertThat(text(KeySchema.MANIFESTS.key(REPO, DIGEST))).isEqualTo("team/app\0" + d);
        assertThat(text(KeySchema.TAGS.key(REPO, TAG))).isEqualTo("team/app\0v1");
        assertThat(text(KeySchema.TAG_INDEX.key(new RepoDigest(REPO, DIGEST), TAG)))
                .isEqualTo("team/app\0" + d + "\0v1");
        assertThat(text(KeySchema.REFERRERS.key(new RepoDigest(REPO, SUBJECT), DIGEST)))
                .isEqualTo("team/app\0" + SUBJECT + "\0" + d);
        assertThat(text(KeySchema.TAG_HISTORY.key(new RepoTag(REPO, TAG), Long.MAX_VALUE)))
                .isEqualTo("team/app\0v1\0" + "7fffffffffffffff");
        assertThat(text(KeySchema.TAG_HISTORY.key(new RepoTag(REPO, TAG), 10L))).endsWith("\0" + "000000000000000a");
        assertThat(text(KeySchema.UPLOADS.key(ROOT, "abc"))).isEqualTo("abc");
        assertThat(text(KeySchema.TAGS.encode(DIGEST))).isEqualTo(d);
        assertThat(KeySchema.LINKS.encode(KeySchema.Marker.PRESENT)).isEmpty();
        // Added by version 2.
        assertThat(text(KeySchema.INLINE_BLOBS.key(ROOT, DIGEST))).isEqualTo(d);
        assertThat(KeySchema.INLINE_BLOBS.encode(new byte[] {1, 2})).containsExactly(1, 2);
        assertThat(text(KeySchema.STAGED.key(ROOT, "inline-x"))).isEqualTo("inline-x");
        assertThat(KeySchema.STAGED.encode(KeySchema.StagedState.inline(new byte[] {7, 8, 9}, 2))).containsExactly(0, 7, 8);
        assertThat(KeySchema.STAGED.encode(KeySchema.StagedState.moved("ab"))).containsExactly(1, 'a', 'b');
        // Added by version 3.
        assertThat(text(KeySchema.EVENTS.key(ROOT, 26L))).isEqualTo("000000000000001a");
        assertThat(text(KeySchema.EVENT_CURSORS.key(ROOT, "hooks"))).isEqualTo("hooks");
        assertThat(text(KeySchema.SETTINGS.key(ROOT, KeySchema.LAST_EVENT_KEY))).isEqualTo("wharf.events.last");
        // Added by version 5.
        SearchIndex.Entry entry = new SearchIndex.Entry(REPO, TAG, DIGEST, SUMMARY, Instant.ofEpochMilli(0x1a),
                Instant.ofEpochMilli(-1));
        assertThat(Arrays.stream(SearchKeys.keys(entry)).map(key -> text(KeySchema.SEARCH.key(ROOT, key))))
                .containsExactly("n\0team/app\0v1",
                        "p\0" + "800000000000001a\0team/app\0v1",
                        "u\0" + "7fffffffffffffff\0team/app\0v1",
                        "P\0team/app\0" + "800000000000001a\0v1",
                        "U\0team/app\0" + "7fffffffffffffff\0v1");
        assertThat(SearchKeys.name(REPO, TAG)).isEqualTo("n\0team/app\0v1");
        assertThat(SearchKeys.scope(SearchQuery.Sort.NAME, Optional.empty())).isEqualTo("n\0");
        assertThat(SearchKeys.scope(SearchQuery.Sort.UPDATED, Optional.of(REPO))).isEqualTo("U\0team/app\0");
    }

    @Test
    void shouldSortSearchKeysAsTheirOrdersCompare() {
        assertThat(List.of(Long.MIN_VALUE, -1_000L, -1L, 0L, 1L, 1_000L, Long.MAX_VALUE).stream()
                .map(SearchKeys::time)).isSorted().allMatch(hex -> hex.length() == 16);
        // a repository sorts before those it is a prefix of, whatever character follows it
        assertThat(List.of(
                        new SearchIndex.Entry(RepositoryName.of("a"), Tag.of("z"), DIGEST, SUMMARY, Instant.EPOCH,
                                Instant.EPOCH),
                        new SearchIndex.Entry(RepositoryName.of("a-b"), Tag.of("a"), DIGEST, SUMMARY, Instant.EPOCH,
                                Instant.EPOCH),
                        new SearchIndex.Entry(RepositoryName.of("a/b"), Tag.of("a"), DIGEST, SUMMARY, Instant.EPOCH,
                                Instant.EPOCH)).stream()
                .map(e -> SearchKeys.keys(e)[0])).isSorted();
    }

    @Test
    void shouldReadTheEntryBackFromEachOfItsKeys() {
        SearchIndex.Entry entry = new SearchIndex.Entry(RepositoryName.of("a/b"), Tag.of("v1.0"), DIGEST, SUMMARY,
                Instant.ofEpochMilli(-5), Instant.ofEpochMilli(7));
        byte[] value = RecordCodec.searchEntry(entry);
        for (String key : SearchKeys.keys(entry)) {
            assertThat(SearchKeys.entry(KeySchema.SEARCH.key(ROOT, key), value)).as(key).isEqualTo(entry);
        }
    }

    @Test
    void shouldDecodeStagedStatesAndRefuseCorruptOnes() {
        KeySchema.StagedState inline = KeySchema.STAGED.decode(new byte[] {0, 5});
        assertThat(inline.bytes()).containsExactly(5);
        assertThat(inline.movedTo()).isNull();
        assertThat(KeySchema.STAGED.decode(new byte[] {1, 'i', 'd'}).movedTo()).isEqualTo("id");
        assertThatThrownBy(() -> KeySchema.STAGED.decode(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeySchema.STAGED.decode(new byte[] {9})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReadBackTheParentAndChildOfAKey() {
        byte[] link = KeySchema.LINKS.key(REPO, DIGEST);
        assertThat(KeySchema.LINKS.parent(link)).isEqualTo(REPO);
        assertThat(KeySchema.LINKS.child(link)).isEqualTo(DIGEST);
        byte[] history = KeySchema.TAG_HISTORY.key(new RepoTag(REPO, TAG), 42L);
        assertThat(KeySchema.TAG_HISTORY.parent(history)).isEqualTo(new RepoTag(REPO, TAG));
        assertThat(KeySchema.TAG_HISTORY.child(history)).isEqualTo(42L);
        byte[] upload = KeySchema.UPLOADS.key(ROOT, "id-1");
        assertThat(KeySchema.UPLOADS.parent(upload)).isEqualTo(ROOT);
        assertThat(KeySchema.UPLOADS.child(upload)).isEqualTo("id-1");
        byte[] prefix = KeySchema.TAG_INDEX.prefix(new RepoDigest(REPO, DIGEST));
        assertThat(KeySchema.TAG_INDEX.child(KeySchema.TAG_INDEX.key(new RepoDigest(REPO, DIGEST), TAG), prefix.length))
                .isEqualTo(TAG);
        assertThat(KeySchema.REPOSITORIES.prefix(ROOT)).isEmpty();
        assertThat(text(KeySchema.USAGE.key(ROOT, "team/**"))).isEqualTo("team/**");
        assertThat(text(KeySchema.USAGE_REFS.key("team/**", DIGEST))).isEqualTo("team/**\0" + DIGEST);
        assertThat(KeySchema.USAGE.decode(KeySchema.USAGE.encode(new dev.wharf.api.Usage(1, 2, 3, 4))))
                .isEqualTo(new dev.wharf.api.Usage(1, 2, 3, 4));
    }

    @Test
    void shouldCreateTheColumnFamiliesFormatVersionFiveNamed() throws Exception {
        RocksDbMetadataStore.open(dir).close();
        List<String> onDisk;
        try (Options options = new Options()) {
            onDisk = RocksDB.listColumnFamilies(options, dir.toString()).stream()
                    .map(name -> new String(name, StandardCharsets.UTF_8)).toList();
        }
        assertThat(onDisk).containsExactlyInAnyOrder("default", "repositories", "links", "linkers", "manifests",
                "tags", "tag_index", "referrers", "uploads", "tag_history", "inline_blobs", "staged", "events",
                "event_cursors", "usage", "usage_refs", "search");
        assertThat(Arrays.stream(Family.values()).map(f -> new String(f.onDiskName(), StandardCharsets.UTF_8)))
                .containsExactlyInAnyOrderElementsOf(onDisk);
    }

    @Test
    void shouldUpgradeAVersionOneDirectoryInPlaceKeepingItsData() throws Exception {
        List<String> versionOne = List.of("repositories", "links", "linkers", "manifests", "tags", "tag_index",
                "referrers", "uploads", "tag_history");
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        versionOne.forEach(name -> descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8))));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB old = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            old.put(handles.get(0), KeySchema.FORMAT_KEY.getBytes(StandardCharsets.UTF_8),
                    "1".getBytes(StandardCharsets.UTF_8));
            old.put(handles.get(1 + versionOne.indexOf("links")), KeySchema.LINKS.key(REPO, DIGEST), new byte[0]);
            handles.forEach(ColumnFamilyHandle::close);
        }
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            assertThat(store.isBlobLinked(REPO, DIGEST)).as("version 1 data survives the upgrade").isTrue();
        }
        try (Options options = new Options(); RocksDB upgraded = RocksDB.openReadOnly(options, dir.toString())) {
            // openReadOnly opens the default family only, which holds the version.
            assertThat(new String(upgraded.get(KeySchema.FORMAT_KEY.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8)).isEqualTo("5");
        }
    }
}
