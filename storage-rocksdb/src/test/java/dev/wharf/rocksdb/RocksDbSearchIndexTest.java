package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.SearchIndex;
import dev.wharf.spi.SearchIndex.Entry;
import dev.wharf.spi.SearchIndex.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.wharf.rocksdb.KeySchema.Root.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the search index contract cannot see from outside: a directory of format version 4 (no {@code search}
 * family, or one left half filled by an interrupted upgrade) gets its entries from its tags when opened, and
 * positions between two milliseconds or before 1970 fall where their times say.
 */
class RocksDbSearchIndexTest {
    private static final RepositoryName APP = RepositoryName.of("team/app");
    private static final RepositoryName TOOLS = RepositoryName.of("team/tools");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static ManifestRecord manifest(String seed, Instant pushedAt) {
        byte[] bytes = ("{\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes),
                Set.of(), Set.of(), Optional.empty(), Optional.empty(), Map.of()).withPushedAt(pushedAt);
    }

    /** Points {@code tags} at {@code manifest}, moved {@code at}, each from where the store says it points. */
    private static void push(RocksDbMetadataStore store, RepositoryName repository, ManifestRecord manifest,
                             Instant at, String... tags) {
        List<TagMove> moves = new ArrayList<>();
        for (String name : tags) {
            Tag tag = Tag.of(name);
            moves.add(new TagMove(tag, store.resolveTag(repository, tag), Optional.of(manifest.digest()), at));
        }
        assertThat(store.putManifest(repository, manifest, moves)).isTrue();
    }

    /** A registry whose tags were created, moved, deleted and whose manifests were pushed again. */
    private void pushSomeTags() {
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            ManifestRecord one = manifest("one", T0);
            ManifestRecord two = manifest("two", T0.plusSeconds(1));
            push(store, APP, one, T0, "latest", "v1", "v1.0");
            push(store, APP, two, T0.plusSeconds(2), "latest");
            push(store, APP, one.withPushedAt(T0.plusSeconds(3)), T0.plusSeconds(3), "v1"); // v1 re-sorts, v1.0 not
            store.deleteTag(APP, Tag.of("v1.0"), T0.plusSeconds(4));
            push(store, TOOLS, manifest("tools", T0.plusSeconds(5)), T0.plusSeconds(6), "a", "b");
            push(store, TOOLS, manifest("gone", T0.plusSeconds(7)), T0.plusSeconds(7), "c");
            store.deleteManifest(TOOLS, manifest("gone", T0).digest(), T0.plusSeconds(8));
        }
    }

    private static List<Entry> everything(SearchIndex index, SearchQuery.Sort order) {
        return index.entries(order, Optional.empty(), Optional.empty(), false, 100);
    }

    /** Opens the directory with RocksDB alone, every family it has by name, as an older Wharf left it. */
    private void raw(RawChange change) throws RocksDBException {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        try (Options options = new Options()) {
            RocksDB.listColumnFamilies(options, dir.toString())
                    .forEach(name -> descriptors.add(new ColumnFamilyDescriptor(name)));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
             RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            Map<String, ColumnFamilyHandle> byName = new HashMap<>();
            for (int i = 0; i < descriptors.size(); i++) {
                byName.put(new String(descriptors.get(i).getName(), StandardCharsets.UTF_8), handles.get(i));
            }
            try {
                change.apply(db, byName);
                db.put(byName.get("default"), KeySchema.SETTINGS.key(ROOT, KeySchema.FORMAT_KEY),
                        "4".getBytes(StandardCharsets.UTF_8));
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }

    /** A change made through RocksDB alone. */
    private interface RawChange {
        void apply(RocksDB db, Map<String, ColumnFamilyHandle> families) throws RocksDBException;
    }

    @Test
    void shouldFillTheEntriesFromTheTagsWhenOpeningAVersionFourDirectory() throws Exception {
        pushSomeTags();
        Map<SearchQuery.Sort, List<Entry>> before = new HashMap<>();
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            for (SearchQuery.Sort order : SearchQuery.Sort.values()) {
                before.put(order, everything(store.searchIndex().orElseThrow(), order));
            }
        }
        assertThat(before.get(SearchQuery.Sort.NAME)).containsExactly(
                Entry.of(APP, Tag.of("latest"), manifest("two", T0.plusSeconds(1)), T0.plusSeconds(2)),
                Entry.of(APP, Tag.of("v1"), manifest("one", T0.plusSeconds(3)), T0),
                Entry.of(TOOLS, Tag.of("a"), manifest("tools", T0.plusSeconds(5)), T0.plusSeconds(6)),
                Entry.of(TOOLS, Tag.of("b"), manifest("tools", T0.plusSeconds(5)), T0.plusSeconds(6)));
        raw((db, families) -> db.dropColumnFamily(families.get("search"))); // as version 4 was: no such family

        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            for (SearchQuery.Sort order : SearchQuery.Sort.values()) {
                assertThat(everything(store.searchIndex().orElseThrow(), order)).as("%s after the upgrade", order)
                        .isEqualTo(before.get(order));
            }
        }
        try (Options options = new Options(); RocksDB upgraded = RocksDB.openReadOnly(options, dir.toString())) {
            assertThat(new String(upgraded.get(KeySchema.FORMAT_KEY.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8)).isEqualTo("5");
        }
    }

    @Test
    void shouldRedoAnInterruptedUpgradeAndTakeThePushTimeOfATagWithoutHistory() throws Exception {
        pushSomeTags();
        Entry stale = Entry.of(RepositoryName.of("deleted/since"), Tag.of("x"), manifest("x", T0), T0);
        raw((db, families) -> {
            for (String key : SearchKeys.keys(stale)) { // as an upgrade that stopped half way may have left
                db.put(families.get("search"), KeySchema.SEARCH.key(ROOT, key), RecordCodec.searchEntry(stale));
            }
            byte[] history = KeySchema.TAG_HISTORY.prefix(new KeySchema.RepoTag(TOOLS, Tag.of("b")));
            byte[] end = history.clone();
            end[end.length - 1]++;
            db.deleteRange(families.get("tag_history"), history, end);
        });

        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            assertThat(everything(store.searchIndex().orElseThrow(), SearchQuery.Sort.UPDATED))
                    .extracting(e -> e.repository().value() + ":" + e.tag().value() + "@" + e.updatedAt())
                    .containsExactly("team/app:v1@" + T0, "team/app:latest@" + T0.plusSeconds(2),
                            "team/tools:b@" + T0.plusSeconds(5), "team/tools:a@" + T0.plusSeconds(6));
        }
    }

    @Test
    void shouldPlacePositionsBetweenMillisecondsAndTimesBefore1970WhereTheirTimesFall() {
        Instant before1970 = Instant.parse("1969-12-31T23:59:59.999Z");
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(dir)) {
            push(store, APP, manifest("old", before1970), T0, "old");
            push(store, APP, manifest("a", T0), T0, "a", "b");
            push(store, APP, manifest("c", T0.plusMillis(1)), T0, "c");
            SearchIndex index = store.searchIndex().orElseThrow();
            assertThat(everything(index, SearchQuery.Sort.PUSHED)).extracting(e -> e.tag().value())
                    .containsExactly("old", "a", "b", "c");

            Instant between = T0.plusNanos(500_000);
            for (Optional<RepositoryName> scope : List.of(Optional.<RepositoryName>empty(), Optional.of(APP))) {
                assertThat(index.entries(SearchQuery.Sort.PUSHED, scope, Optional.of(new Position(between, "", "")),
                        false, 10)).as("after %s in %s", between, scope).extracting(e -> e.tag().value())
                        .containsExactly("c");
                assertThat(index.entries(SearchQuery.Sort.PUSHED, scope, Optional.of(new Position(between, "~", "~")),
                        true, 10)).as("before %s in %s", between, scope).extracting(e -> e.tag().value())
                        .containsExactly("b", "a", "old");
            }
            assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.empty(),
                    Optional.of(new Position(Instant.MIN, "", "")), false, 10)).hasSize(4);
            assertThat(index.entries(SearchQuery.Sort.PUSHED, Optional.empty(),
                    Optional.of(new Position(Instant.MAX, "", "")), true, 10)).hasSize(4);
        }
    }
}
