package dev.wharf.testkit;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

/** Values and steps the blob kits share: bytes, publishing them as the engine does, and reading them back. */
final class BlobFixtures {
    private BlobFixtures() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code size} bytes that repeat no short pattern, the same for the same seed. */
    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static Digest sha256(byte[] data) {
        return DigestAlgorithm.SHA256.digest(data);
    }

    static InputStream in(byte[] data) {
        return new ByteArrayInputStream(data);
    }

    /** Stages {@code data} in one durable append and commits it under its sha256 digest. */
    static BlobInfo put(BlobStore store, byte[] data) {
        return put(store, data, DigestAlgorithm.SHA256);
    }

    /** Stages {@code data} in one durable append and commits it under its digest of {@code algorithm}. */
    static BlobInfo put(BlobStore store, byte[] data, DigestAlgorithm algorithm) {
        StagedBlob staged = store.stage();
        staged.append(in(data));
        return staged.commit(algorithm.digest(data));
    }

    /** Everything a stream yields, closing it. */
    static byte[] drain(InputStream in) {
        try (InputStream stream = in) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a stored blob's range; fails the case if the store says the blob is absent. */
    static byte[] read(BlobStore store, Digest digest, long offset, long length) {
        Optional<InputStream> in = store.open(digest, offset, length);
        if (in.isEmpty()) {
            throw new AssertionError("blob " + digest + " is not stored");
        }
        return drain(in.get());
    }

    /** All bytes of a stored blob. */
    static byte[] read(BlobStore store, Digest digest) {
        long size = store.stat(digest).orElseThrow(() -> new AssertionError("blob " + digest + " is not stored"))
                .size();
        return read(store, digest, 0, size);
    }

    /** The staged bytes, read from the start. */
    static byte[] read(StagedBlob staged) {
        return drain(staged.read());
    }
}
