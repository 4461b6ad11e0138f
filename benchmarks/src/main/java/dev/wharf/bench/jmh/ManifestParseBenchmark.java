package dev.wharf.bench.jmh;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;
import dev.wharf.core.manifest.ManifestParser;
import dev.wharf.spi.ManifestRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link ManifestParser#parse}, run once per manifest push: a typical image manifest (config, five layers,
 * annotations; about 2 KiB) and an index of 50 platform manifests (about 15 KiB). Microseconds per parse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class ManifestParseBenchmark {
    private byte[] image;
    private Digest imageDigest;
    private byte[] index;
    private Digest indexDigest;

    @Setup
    public void setUp() {
        image = SampleManifests.image(1, 5);
        imageDigest = DigestAlgorithm.SHA256.digest(image);
        index = SampleManifests.index(1, 50);
        indexDigest = DigestAlgorithm.SHA256.digest(index);
        if (image.length < 1024 || image.length > 3072) {
            throw new IllegalStateException("image manifest is " + image.length + " bytes, not 1-3 KiB");
        }
    }

    @Benchmark
    public ManifestRecord imageManifest() {
        return ManifestParser.parse(imageDigest, MediaTypes.OCI_MANIFEST, image);
    }

    @Benchmark
    public ManifestRecord index50() {
        return ManifestParser.parse(indexDigest, MediaTypes.OCI_INDEX, index);
    }
}
