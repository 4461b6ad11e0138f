package dev.wharf.testing.launcher;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A deterministic stream of any length, produced on the fly so a multi-GiB body needs no memory or disk on
 * the client side: a fixed 1 MiB random block, repeated, with each copy's first eight bytes replaced by
 * its index (so no two MiB of the stream are alike). Reading it twice yields the same bytes.
 */
final class GeneratedContent extends InputStream {
    private static final int BLOCK = 1 << 20;
    private static final byte[] PATTERN = new byte[BLOCK];

    static {
        SplittableRandom random = new SplittableRandom(0x5EED_0F_B10BL);
        for (int i = 0; i < BLOCK; i += 8) {
            long word = random.nextLong();
            for (int b = 0; b < 8; b++) {
                PATTERN[i + b] = (byte) (word >>> (8 * b));
            }
        }
    }

    private final long size;
    private long position;

    GeneratedContent(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int total = (int) Math.min(length, size - position);
        int done = 0;
        while (done < total) {
            long block = position / BLOCK;
            int inBlock = (int) (position % BLOCK);
            int chunk = Math.min(total - done, BLOCK - inBlock);
            System.arraycopy(PATTERN, inBlock, buffer, offset + done, chunk);
            for (int i = inBlock; i < Math.min(8, inBlock + chunk); i++) {
                buffer[offset + done + i - inBlock] = (byte) (block >>> (8 * i));
            }
            position += chunk;
            done += chunk;
        }
        return total;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }
}
