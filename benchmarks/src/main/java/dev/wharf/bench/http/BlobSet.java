package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The content every server run pushes, made once per harness run so that both registries receive the same
 * bytes and digests are computed before any timing.
 *
 * @param big          pushed monolithically, then pulled
 * @param chunked      pushed in chunks (distinct from {@code big}, so de-duplication cannot help)
 * @param warmBig      a smaller blob for the warm-up push and pull
 * @param warmChunked  a smaller blob for the warm-up chunked push
 * @param small        the small blobs pushed concurrently
 * @param warmSmall    other small blobs for the warm-up of the small-blob and tag paths
 * @param config       an image config document, for the manifests
 * @param configDigest its digest
 */
public record BlobSet(PatternBlob big, PatternBlob chunked, PatternBlob warmBig, PatternBlob warmChunked,
                      List<PatternBlob> small, List<PatternBlob> warmSmall, byte[] config, String configDigest) {
    private static final long WARM_SIZE = 64L * 1024 * 1024;
    /** Seeds of {@link #withSmallOfRound}'s blobs: above those of the measured (10^6 + i) and warm-up (2·10^6 + i) ones. */
    private static final long ROUND_SEEDS = 1_000_000_000L;
    private static final long ROUND_SEED_SPAN = 100_000_000L;

    public BlobSet {
        small = List.copyOf(small);
        warmSmall = List.copyOf(warmSmall);
    }

    /** The {@code index}-th small blob of {@code size} bytes: the same content in every run and every harness. */
    static PatternBlob smallBlob(long size, int index) {
        return new PatternBlob(size, 1_000_000L + index);
    }

    /**
     * This set with {@code count} other small blobs for round {@code round} (1 and up) of a harness that pushes
     * into the same registry in every round, so that each round uploads blobs the registry has not seen: the same
     * content for the same round in every run, distinct from every other round's, from the measured blobs of
     * {@link #prepare} and from the warm-up blobs.
     */
    BlobSet withSmallOfRound(int round, int count) {
        if (round < 1 || count < 2) {
            throw new IllegalArgumentException("round " + round + " with " + count + " small blobs");
        }
        long size = small.get(0).size();
        List<PatternBlob> other = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PatternBlob b = new PatternBlob(size, ROUND_SEEDS + (long) round * ROUND_SEED_SPAN + i);
            b.digest();
            other.add(b);
        }
        return new BlobSet(big, chunked, warmBig, warmChunked, other, warmSmall, config, configDigest);
    }

    /**
     * Builds every blob, with {@code warmSmallCount} warm-up small blobs (at least 2), and computes every digest (a few
     * seconds per GiB).
     */
    static BlobSet prepare(HarnessOptions o, int warmSmallCount) {
        long warm = Math.min(WARM_SIZE, o.blobSize());
        List<PatternBlob> small = new ArrayList<>(o.smallBlobs());
        for (int i = 0; i < o.smallBlobs(); i++) {
            PatternBlob b = smallBlob(o.smallBlobSize(), i);
            b.digest();
            small.add(b);
        }
        List<PatternBlob> warmSmall = new ArrayList<>();
        for (int i = 0; i < Math.max(2, warmSmallCount); i++) {
            PatternBlob b = new PatternBlob(o.smallBlobSize(), 2_000_000L + i); // distinct from every measured blob
            b.digest();
            warmSmall.add(b);
        }
        if (small.size() < 2) {
            throw new IllegalArgumentException("--small-blobs must be at least 2 (a manifest references two)");
        }
        byte[] config = OciManifest.config();
        BlobSet set = new BlobSet(new PatternBlob(o.blobSize(), 1), new PatternBlob(o.blobSize(), 2),
                new PatternBlob(warm, 3), new PatternBlob(warm, 4), small, warmSmall, config, RegistryClient.sha256(config));
        set.big.digest();
        set.chunked.digest();
        set.warmBig.digest();
        set.warmChunked.digest();
        return set;
    }
}
