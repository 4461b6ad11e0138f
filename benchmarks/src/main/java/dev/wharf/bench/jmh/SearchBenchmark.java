package dev.wharf.bench.jmh;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchPage;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.core.manifest.ManifestParser;
import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.rocksdb.RocksDbOptions;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One search page ({@code n = 100}, through {@link Registry#search}) of several query shapes over a RocksDB store
 * holding {@code size} manifests, each tagged once, 100 tags to a repository; every tenth a Helm chart. The goal:
 * a page at 1,000,000 manifests costs at most 1.5 times a page at 1,000, for every shape.
 *
 * <p>The store is loaded once per size, with unsynced writes, into {@code benchmarks/target/search-fixture-<size>}
 * and compacted, as a registry that has run for a while is settled (so that no background compaction runs while it
 * is measured), then reused by later runs (loading a million manifests takes minutes, and measures nothing
 * searched); it is opened the way the launcher opens it. Delete the directory to load it again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SearchBenchmark {
    private static final String HELM = "application/vnd.cncf.helm.config.v1+json";
    private static final int TAGS_PER_REPOSITORY = 100;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Caller CALLER = Caller.anonymous();

    /** How many manifests (and tags) the store holds. */
    @Param({"1000", "100000", "1000000"})
    public int size;

    private MetadataStore store;
    private Registry registry;
    private int repositories;

    @Setup(Level.Trial)
    public void setUp() {
        Path dir = Path.of("benchmarks", "target", "search-fixture-" + size);
        Path done = dir.resolve("wharf-fixture-complete");
        if (!Files.exists(done)) {
            MetadataFixture.deleteTree(dir);
            try (RocksDbMetadataStore loading = RocksDbMetadataStore.open(dir,
                    RocksDbOptions.defaults().withSyncWrites(false))) {
                load(loading, size);
                loading.sync();
                loading.compact(); // settled, as a registry that has run for a while is: no compaction during runs
            }
            try {
                Files.writeString(done, Integer.toString(size));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        store = RocksDbMetadataStore.open(dir);
        registry = Registry.builder().metadataStore(store).pageSizes(100, 1000).build();
        repositories = size / TAGS_PER_REPOSITORY;
        if (registry.search(CALLER, SearchQuery.all()).results().size() != 100) {
            throw new IllegalStateException("the fixture in " + dir + " did not load; delete it and run again");
        }
    }

    private static void load(MetadataStore store, int size) {
        for (int i = 0; i < size; i++) {
            String json = new String(SampleManifests.image(i, 3 + i % 4), StandardCharsets.UTF_8);
            if (i % 10 == 0) {
                json = json.replace(MediaTypes.OCI_CONFIG, HELM);
            }
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            Digest digest = DigestAlgorithm.SHA256.digest(bytes);
            Instant at = T0.plusSeconds(i);
            ManifestRecord record = ManifestParser.parse(digest, MediaTypes.OCI_MANIFEST, bytes).withPushedAt(at);
            store.putManifest(repository(i / TAGS_PER_REPOSITORY), record,
                    List.of(new TagMove(Tag.of(String.format("v%07d", i)), Optional.empty(), Optional.of(digest), at)));
        }
    }

    private static RepositoryName repository(int n) {
        return RepositoryName.of(String.format("team-%03d/app-%07d", n % 100, n));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close(); // closes the store
    }

    private int randomRepository() {
        return ThreadLocalRandom.current().nextInt(repositories);
    }

    private Instant randomTime() {
        return T0.plusSeconds(100 + ThreadLocalRandom.current().nextInt(size - 100));
    }

    /** Name order from a random repository's name: a seek to a prefix. */
    @Benchmark
    public SearchPage byNameFromPrefix() {
        String name = repository(randomRepository()).value();
        return registry.search(CALLER, SearchQuery.all().withRepositories(name.substring(0, name.length() - 2)));
    }

    /** The newest pushes: the top of the push-time order. */
    @Benchmark
    public SearchPage newestPushed() {
        return registry.search(CALLER, SearchQuery.all().withSort(SearchQuery.Sort.PUSHED));
    }

    /** Pushed before a random time, newest first: a seek into the push-time order. */
    @Benchmark
    public SearchPage pushedBefore() {
        return registry.search(CALLER, SearchQuery.all().withPushedBefore(randomTime())
                .withSort(SearchQuery.Sort.PUSHED));
    }

    /** A random repository's tags by last move: the per-repository order. */
    @Benchmark
    public SearchPage repositoryTags() {
        return registry.search(CALLER, SearchQuery.in(repository(randomRepository()))
                .withSort(SearchQuery.Sort.UPDATED));
    }

    /**
     * Helm charts (one in ten), newest first: a filter checked entry by entry, 1,000 entries for a page at every
     * size (from the newest, so that the smallest registry holds as many as the page reads).
     */
    @Benchmark
    public SearchPage artifactTypeFilter() {
        return registry.search(CALLER, SearchQuery.all().withArtifactTypes(Set.of(HELM))
                .withSort(SearchQuery.Sort.PUSHED));
    }

    /** The store alone: its 1,000 newest entries, as the two shapes above read them, without the engine. */
    @Benchmark
    public List<dev.wharf.spi.SearchIndex.Entry> storeNewestThousand() {
        return store.searchIndex().orElseThrow().entries(SearchQuery.Sort.PUSHED, Optional.empty(), Optional.empty(),
                true, 1_000);
    }

    /** A tag glob that matches nothing, newest first: the page ends at its budget of 1,000 entries. */
    @Benchmark
    public SearchPage noMatchEndsAtBudget() {
        return registry.search(CALLER, SearchQuery.all().withTags("*-rc*").withSort(SearchQuery.Sort.PUSHED));
    }
}
