package dev.wharf.bench.jmh;

import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Digest verification: sha256 over 1 MiB and 64 MiB through the engine's upload paths (single-request push
 * and a one-chunk session), against the same hash done with a bare {@link MessageDigest}. The store
 * discards the bytes ({@link DiscardingBlobStore}), so the difference is what the engine adds to hashing.
 * Scores are milliseconds per blob; MiB/s = size / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class DigestBenchmark {
    private static final RepositoryName REPO = RepositoryName.of("bench/digest");

    /** Blob size in bytes: 1 MiB and 64 MiB. */
    @Param({"1048576", "67108864"})
    public int size;

    private byte[] bytes;
    private Digest digest;
    private Registry registry;

    @Setup
    public void setUp() {
        bytes = new byte[size];
        new SplittableRandom(42).nextBytes(bytes);
        digest = DigestAlgorithm.SHA256.digest(bytes);
        registry = Registry.builder().blobStore(new DiscardingBlobStore()).build();
    }

    @TearDown
    public void tearDown() {
        registry.close();
    }

    /** The floor: one MessageDigest over the array in 256 KiB updates (the store's read size). */
    @Benchmark
    public byte[] plainMessageDigest() {
        MessageDigest sha = DigestAlgorithm.SHA256.newMessageDigest();
        for (int off = 0; off < bytes.length; off += 256 * 1024) {
            sha.update(bytes, off, Math.min(256 * 1024, bytes.length - off));
        }
        return sha.digest();
    }

    /** {@code POST ?digest=} with the body: stage, hash while streaming, verify, commit, link. */
    @Benchmark
    public Object enginePushBlob() {
        return registry.pushBlob(Caller.anonymous(), REPO, digest, UploadChunk.of(bytes));
    }

    /** POST, one PATCH with Content-Range, PUT {@code ?digest=}: the session path, with its hash clone. */
    @Benchmark
    public Object engineUploadSession() {
        Caller caller = Caller.anonymous();
        UploadStatus session = registry.startUpload(caller, REPO, Optional.empty()).session().orElseThrow();
        UploadChunk chunk = new UploadChunk(new ByteArrayInputStream(bytes), OptionalLong.of(bytes.length),
                Optional.of(new ByteRange(0, bytes.length - 1L)));
        registry.appendUpload(caller, REPO, session.id(), chunk);
        return registry.completeUpload(caller, REPO, session.id(), digest, UploadChunk.empty());
    }
}
