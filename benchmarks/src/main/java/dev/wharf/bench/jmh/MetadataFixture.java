package dev.wharf.bench.jmh;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.core.manifest.ManifestParser;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.rocksdb.RocksDbOptions;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A metadata store loaded with {@code size} tags in one repository (each tag its own image manifest) and
 * {@code size} further repositories (each linking one blob), as a busy registry's would be.
 *
 * <p>RocksDB is loaded with unsynced writes ({@code open(dir, false)}: a synced write per item would make
 * loading 100,000 of them take minutes and measures nothing we read), then closed and reopened the way the
 * launcher opens it, so reads run against what a restarted registry sees.
 */
final class MetadataFixture implements AutoCloseable {
    /** The repository holding every tag. */
    static final RepositoryName TAGGED = RepositoryName.of("bench/tagged");

    final MetadataStore store;
    /** Tag names in list (ASCII) order; zero-padded so ASCII order is numeric order. */
    final String[] tags;
    /** Repository names in catalog order (excluding {@link #TAGGED}). */
    final String[] repositories;
    private final Path directory;

    private MetadataFixture(MetadataStore store, String[] tags, String[] repositories, Path directory) {
        this.store = store;
        this.tags = tags;
        this.repositories = repositories;
        this.directory = directory;
    }

    /** Builds and loads a store: {@code kind} is {@code memory} or {@code rocksdb}. */
    static MetadataFixture load(String kind, int size) {
        String[] tags = new String[size];
        String[] repos = new String[size];
        for (int i = 0; i < size; i++) {
            tags[i] = String.format("v%07d", i);
            repos[i] = String.format("team-%03d/app-%07d", i % 997, i);
        }
        java.util.Arrays.sort(repos);
        switch (kind) {
            case "memory" -> {
                MetadataStore store = new InMemoryMetadataStore();
                fill(store, tags, repos);
                return new MetadataFixture(store, tags, repos, null);
            }
            case "rocksdb" -> {
                Path dir = tempDirectory();
                try {
                    RocksDbOptions unsynced = RocksDbOptions.defaults().withSyncWrites(false);
                    try (MetadataStore loading = RocksDbMetadataStore.open(dir, unsynced)) {
                        fill(loading, tags, repos);
                    }
                    return new MetadataFixture(RocksDbMetadataStore.open(dir), tags, repos, dir);
                } catch (RuntimeException e) {
                    deleteTree(dir);
                    throw e;
                }
            }
            default -> throw new IllegalArgumentException("unknown store '" + kind + "': memory or rocksdb");
        }
    }

    private static void fill(MetadataStore store, String[] tags, String[] repos) {
        for (int i = 0; i < tags.length; i++) {
            byte[] bytes = SampleManifests.image(i, 3 + i % 4);
            Digest digest = DigestAlgorithm.SHA256.digest(bytes);
            ManifestRecord record = ManifestParser.parse(digest, MediaTypes.OCI_MANIFEST, bytes);
            store.putManifest(TAGGED, record, List.of(new TagMove(Tag.of(tags[i]), Optional.empty(),
                    Optional.of(digest), Instant.EPOCH)));
        }
        Digest shared = SampleManifests.fakeDigest("shared-base-layer");
        for (String repo : repos) {
            store.linkBlob(RepositoryName.of(repo), shared);
        }
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("wharf-jmh-rocksdb");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the store and deletes its files. */
    @Override
    public void close() {
        try {
            store.close();
        } finally {
            if (directory != null) {
                deleteTree(directory);
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
