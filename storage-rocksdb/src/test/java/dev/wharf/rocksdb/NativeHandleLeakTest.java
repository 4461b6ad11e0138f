package dev.wharf.rocksdb;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.StorageException;
import dev.wharf.spi.UploadRecord;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No native handle outlives its store: every long-lived RocksDB object a store creates is recorded
 * ({@link NativeHandles}), and after a close, or an open that fails, none of them still owns native memory.
 * After close, every call fails with a clear exception instead of touching freed memory.
 */
class NativeHandleLeakTest {
    private static final RepositoryName REPO = RepositoryName.of("team/app");
    private static final Tag TAG = Tag.of("latest");
    private static final ManifestRecord MANIFEST = manifest();
    private static final Digest BLOB = DigestAlgorithm.SHA256.digest("layer".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private static ManifestRecord manifest() {
        byte[] bytes = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes),
                Set.of(), Set.of(), Optional.empty(), Optional.empty(), Map.of());
    }

    private static long count(List<RocksObject> handles, Class<?> type) {
        return handles.stream().filter(type::isInstance).count();
    }

    @Test
    void shouldReleaseEveryNativeHandleWhenStoreCloses() {
        NativeHandles handles = new NativeHandles();
        RocksDbMetadataStore store = RocksDbMetadataStore.open(dir,
                RocksDbOptions.defaults().withStatistics(true), handles);
        store.putManifest(REPO, MANIFEST, List.of(new TagMove(TAG, Optional.empty(), Optional.of(MANIFEST.digest()),
                Instant.EPOCH)));
        store.linkBlob(REPO, BLOB);
        store.sync();
        List<RocksObject> created = handles.created();
        assertThat(count(created, RocksDB.class)).isEqualTo(1);
        assertThat(count(created, ColumnFamilyHandle.class)).isEqualTo(Family.values().length);
        assertThat(handles.open()).containsExactlyElementsOf(created);

        store.close();
        assertThat(handles.open()).isEmpty();
        store.close(); // idempotent
        assertThat(handles.open()).isEmpty();
        assertThat(handles.created()).containsExactlyElementsOf(created);
    }

    @Test
    void shouldReleaseEveryNativeHandleWhenDirectoryIsInUseByAnotherStore() {
        try (RocksDbMetadataStore first = RocksDbMetadataStore.open(dir)) {
            NativeHandles handles = new NativeHandles();
            assertThatThrownBy(() -> RocksDbMetadataStore.open(dir, RocksDbOptions.defaults(), handles))
                    .isInstanceOf(StorageException.class).hasMessageContaining("in use by another");
            assertThat(handles.created()).isNotEmpty();
            assertThat(handles.open()).isEmpty();
            first.linkBlob(REPO, BLOB); // the open store is untouched
            assertThat(first.isBlobLinked(REPO, BLOB)).isTrue();
        }
    }

    @Test
    void shouldReleaseEveryNativeHandleWhenFormatVersionDiffers() throws Exception {
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB other = RocksDB.open(options, dir.toString())) {
            other.put(KeySchema.FORMAT_KEY.getBytes(StandardCharsets.UTF_8), "6".getBytes(StandardCharsets.UTF_8));
        }
        NativeHandles handles = new NativeHandles();
        assertThatThrownBy(() -> RocksDbMetadataStore.open(dir, RocksDbOptions.defaults(), handles))
                .isInstanceOf(StorageException.class).hasMessageContaining("format version 6")
                .hasMessageContaining("reads 5");
        assertThat(count(handles.created(), RocksDB.class)).as("the database itself had opened").isEqualTo(1);
        assertThat(handles.open()).isEmpty();
    }

    static Stream<Named<BiConsumer<RocksDbMetadataStore, Path>>> everyCall() {
        UploadRecord upload = new UploadRecord("u1", REPO, "s1", DigestAlgorithm.SHA256, 0, Instant.EPOCH,
                Instant.EPOCH);
        return Stream.of(
                Named.of("repositoryExists", (s, scratch) -> s.repositoryExists(REPO)),
                Named.of("repositories", (s, scratch) -> s.repositories(Optional.empty(), 10)),
                Named.of("isBlobLinked", (s, scratch) -> s.isBlobLinked(REPO, BLOB)),
                Named.of("linkBlob", (s, scratch) -> s.linkBlob(REPO, BLOB)),
                Named.of("unlinkBlob", (s, scratch) -> s.unlinkBlob(REPO, BLOB)),
                Named.of("repositoriesLinking", (s, scratch) -> s.repositoriesLinking(BLOB, Optional.empty(), 10)),
                Named.of("forEachLink", (s, scratch) -> s.forEachLink((r, d) -> { })),
                Named.of("manifest", (s, scratch) -> s.manifest(REPO, MANIFEST.digest())),
                Named.of("manifestContent (cached)", (s, scratch) -> s.manifestContent(REPO, MANIFEST.digest())),
                Named.of("putManifest", (s, scratch) -> s.putManifest(REPO, MANIFEST, List.of())),
                Named.of("deleteManifest", (s, scratch) -> s.deleteManifest(REPO, MANIFEST.digest(), Instant.EPOCH)),
                Named.of("referrers", (s, scratch) -> s.referrers(REPO, MANIFEST.digest(), Optional.empty(), 10)),
                Named.of("forEachManifest", (s, scratch) -> s.forEachManifest((r, m) -> { })),
                Named.of("resolveTag (cached)", (s, scratch) -> s.resolveTag(REPO, TAG)),
                Named.of("tags", (s, scratch) -> s.tags(REPO, Optional.empty(), 10)),
                Named.of("deleteTag", (s, scratch) -> s.deleteTag(REPO, TAG, Instant.EPOCH)),
                Named.of("tagsOf", (s, scratch) -> s.tagsOf(REPO, MANIFEST.digest(), 10)),
                Named.of("tagHistory", (s, scratch) -> s.tagHistory(REPO, TAG)),
                Named.of("putUpload", (s, scratch) -> s.putUpload(upload)),
                Named.of("upload", (s, scratch) -> s.upload("u1")),
                Named.of("deleteUpload", (s, scratch) -> s.deleteUpload("u1")),
                Named.of("uploads", (s, scratch) -> s.uploads()),
                Named.of("sync", (s, scratch) -> s.sync()),
                Named.of("checkpoint", (s, scratch) -> s.checkpoint(scratch.resolve("checkpoint"))),
                Named.of("walSyncs", (s, scratch) -> s.walSyncs()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void shouldFailCleanlyWhenCalledAfterClose(BiConsumer<RocksDbMetadataStore, Path> call) {
        RocksDbMetadataStore store = RocksDbMetadataStore.open(dir, RocksDbOptions.defaults().withStatistics(true));
        store.putManifest(REPO, MANIFEST, List.of(new TagMove(TAG, Optional.empty(), Optional.of(MANIFEST.digest()),
                Instant.EPOCH)));
        store.linkBlob(REPO, BLOB);
        // Warm the read cache, so cached reads must also notice the close.
        assertThat(store.resolveTag(REPO, TAG)).contains(MANIFEST.digest());
        assertThat(store.manifestContent(REPO, MANIFEST.digest())).isPresent();
        call.accept(store, elsewhere); // works while open
        store.close();

        assertThatThrownBy(() -> call.accept(store, elsewhere.resolve("after-close")))
                .isInstanceOf(IllegalStateException.class).hasMessage("metadata store is closed");
    }
}
