package dev.wharf.bench.http;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Blob content of any size that costs the client almost nothing to send or check: 1 MiB blocks of one
 * random pattern, each block stamped in its first 16 bytes with the blob's seed and the block's number, so
 * every blob (and every block of it) is distinct and incompressible while the client never holds more than
 * a block. The sha256 digest is computed once, before any timing.
 */
public final class PatternBlob {
    static final int BLOCK = 1024 * 1024;
    private static final int STAMP = 16;
    private static final byte[] PATTERN = pattern();

    private final long size;
    private final long seed;
    private String digest;

    public PatternBlob(long size, long seed) {
        if (size <= 0) {
            throw new IllegalArgumentException("blob size must be positive");
        }
        this.size = size;
        this.seed = seed;
    }

    private static byte[] pattern() {
        byte[] p = new byte[BLOCK];
        new SplittableRandom(0x5EEDL).nextBytes(p);
        return p;
    }

    public long size() {
        return size;
    }

    /** {@code sha256:<hex>}, computed on first use (a second or so per GiB). */
    public synchronized String digest() {
        if (digest == null) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] block = new byte[BLOCK];
                for (long off = 0; off < size; off += BLOCK) {
                    int n = fill(block, off);
                    sha.update(block, 0, n);
                }
                digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return digest;
    }

    /** The whole blob in memory; for small blobs only. */
    public byte[] bytes() {
        if (size > 64L * BLOCK) {
            throw new IllegalStateException("refusing to materialise a " + size + "-byte blob");
        }
        byte[] all = new byte[(int) size];
        byte[] block = new byte[BLOCK];
        for (long off = 0; off < size; off += BLOCK) {
            int n = fill(block, off);
            System.arraycopy(block, 0, all, (int) off, n);
        }
        return all;
    }

    /**
     * Fills {@code block} with the block starting at {@code offset} (a multiple of {@link #BLOCK}); returns
     * its length.
     */
    private int fill(byte[] block, long offset) {
        int n = (int) Math.min(BLOCK, size - offset);
        System.arraycopy(PATTERN, 0, block, 0, n);
        stamp(block, offset / BLOCK, n);
        return n;
    }

    private void stamp(byte[] block, long blockNumber, int length) {
        for (int i = 0; i < Math.min(STAMP, length); i++) {
            block[i] = stampByte(blockNumber, i);
        }
    }

    /** Byte {@code i} (below {@link #STAMP}) of a block's stamp: the seed, then the block number, little-endian. */
    private byte stampByte(long blockNumber, int i) {
        long v = i < 8 ? seed : blockNumber;
        return (byte) (v >>> (8 * (i % 8)));
    }

    /**
     * Where {@code length} bytes received as the blob's bytes from {@code position} on first differ from it:
     * the index into the received bytes (counted from {@code offset}), or -1 when every one matches. Bytes
     * past the blob's end are a mismatch. Allocates nothing and keeps no state, so thousands of connections
     * can check their partial downloads against one blob.
     */
    public int mismatch(long position, byte[] buffer, int offset, int length) {
        int done = 0;
        while (done < length) {
            long pos = position + done;
            if (pos >= size) {
                return done;
            }
            long block = pos / BLOCK;
            int inBlock = (int) (pos % BLOCK);
            int n = (int) Math.min(length - done, Math.min(BLOCK, size - block * BLOCK) - inBlock);
            int i = 0;
            for (; i < n && inBlock + i < STAMP; i++) {
                if (buffer[offset + done + i] != stampByte(block, inBlock + i)) {
                    return done + i;
                }
            }
            if (i < n) {
                int m = Arrays.mismatch(buffer, offset + done + i, offset + done + n, PATTERN, inBlock + i, inBlock + n);
                if (m >= 0) {
                    return done + i + m;
                }
            }
            done += n;
        }
        return -1;
    }

    /** The bytes {@code [from, to)} as a request body. */
    public BodySource range(long from, long to) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("range " + from + "-" + to + " outside " + size);
        }
        return new BodySource() {
            @Override
            public long length() {
                return to - from;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                byte[] block = new byte[BLOCK];
                long pos = from;
                while (pos < to) {
                    long blockStart = pos - pos % BLOCK;
                    int n = fill(block, blockStart);
                    int start = (int) (pos - blockStart);
                    int end = (int) Math.min(n, to - blockStart);
                    out.write(block, start, end - start);
                    pos = blockStart + end;
                }
            }
        };
    }

    /** The whole blob as a request body. */
    public BodySource body() {
        return range(0, size);
    }

    /** A sink that compares a response body byte for byte with this blob; call {@link Verifier#finish()}. */
    public Verifier verifier() {
        return new Verifier();
    }

    /** Checks received bytes against the blob as they arrive. */
    public final class Verifier implements BodySink {
        private final byte[] expected = new byte[BLOCK];
        private long position;
        private long loadedBlock = -1;

        @Override
        public void accept(byte[] buffer, int offset, int length) {
            int done = 0;
            while (done < length) {
                if (position >= size) {
                    throw new BenchmarkFailure("received more than the blob's " + size + " bytes");
                }
                long block = position / BLOCK;
                if (block != loadedBlock) {
                    fill(expected, block * BLOCK);
                    loadedBlock = block;
                }
                int inBlock = (int) (position % BLOCK);
                int blockLength = (int) Math.min(BLOCK, size - block * BLOCK);
                int n = Math.min(length - done, blockLength - inBlock);
                int mismatch = Arrays.mismatch(buffer, offset + done, offset + done + n, expected, inBlock, inBlock + n);
                if (mismatch >= 0) {
                    throw new BenchmarkFailure("received content differs from the blob at byte " + (position + mismatch));
                }
                position += n;
                done += n;
            }
        }

        /** Fails unless exactly the whole blob arrived. */
        public void finish() {
            if (position != size) {
                throw new BenchmarkFailure("received " + position + " bytes of a " + size + "-byte blob");
            }
        }
    }
}
