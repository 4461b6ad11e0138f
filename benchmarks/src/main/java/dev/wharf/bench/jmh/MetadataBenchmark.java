package dev.wharf.bench.jmh;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.Page;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.ManifestRecord;
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

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Metadata reads on each store with {@code size} tags in one repository and {@code size} repositories:
 * a tags page and a catalog page (n=100) starting at a random position, a tag resolution followed by the
 * manifest read, and the same manifest GET by tag through the {@link Registry} facade.
 *
 * <p>What the durable store must show (see {@link JmhReport}): page costs at 100,000 within 50% of those at
 * 1,000 (pages are range scans, O(page)), and {@code registryManifestByTag} on RocksDB within 20% of the
 * in-memory store's throughput. Microseconds per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MetadataBenchmark {
    /** Number of tags in the tagged repository, and of other repositories. */
    @Param({"1000", "100000"})
    public int size;

    /** Which {@link dev.wharf.spi.MetadataStore}. */
    @Param({"memory", "rocksdb"})
    public String store;

    private MetadataFixture fixture;
    private Registry registry;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = MetadataFixture.load(store, size);
        registry = Registry.builder().metadataStore(fixture.store).build();
        Manifest check = registry.manifest(Caller.anonymous(), MetadataFixture.TAGGED, Tag.of(fixture.tags[size - 1]));
        if (check.bytes().length == 0) {
            throw new IllegalStateException("fixture did not load");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            registry.close(); // closes the store
        } finally {
            fixture.close();
        }
    }

    private String randomTag() {
        return fixture.tags[ThreadLocalRandom.current().nextInt(fixture.tags.length)];
    }

    @Benchmark
    public Page<Tag> tagsPage() {
        return fixture.store.tags(MetadataFixture.TAGGED, Optional.of(randomTag()), 100);
    }

    @Benchmark
    public Page<RepositoryName> catalogPage() {
        String after = fixture.repositories[ThreadLocalRandom.current().nextInt(fixture.repositories.length)];
        return fixture.store.repositories(Optional.of(after), 100);
    }

    @Benchmark
    public Optional<ManifestRecord> resolveTagThenManifest() {
        Optional<Digest> digest = fixture.store.resolveTag(MetadataFixture.TAGGED, Tag.of(randomTag()));
        return fixture.store.manifest(MetadataFixture.TAGGED, digest.orElseThrow());
    }

    @Benchmark
    public Manifest registryManifestByTag() {
        return registry.manifest(Caller.anonymous(), MetadataFixture.TAGGED, Tag.of(randomTag()));
    }
}
