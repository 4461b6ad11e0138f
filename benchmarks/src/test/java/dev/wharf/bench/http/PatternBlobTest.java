package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatternBlobTest {
    private static final long SIZE = 2L * PatternBlob.BLOCK + 12_345;

    private static byte[] written(PatternBlob blob, long from, long to) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob.range(from, to).writeTo(out);
        return out.toByteArray();
    }

    @Test
    void shouldSendExactlyTheDigestedBytesWhenWrittenWholeOrInRanges() throws IOException {
        PatternBlob blob = new PatternBlob(SIZE, 9);
        byte[] whole = written(blob, 0, SIZE);
        assertThat(whole).hasSize((int) SIZE).isEqualTo(blob.bytes());
        assertThat(RegistryClient.sha256(whole)).isEqualTo(blob.digest());
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        long chunk = PatternBlob.BLOCK / 3 + 7;
        for (long from = 0; from < SIZE; from += chunk) {
            pieces.write(written(blob, from, Math.min(SIZE, from + chunk)));
        }
        assertThat(pieces.toByteArray()).isEqualTo(whole);
    }

    @Test
    void shouldDifferWhenSeedsDiffer() {
        assertThat(new PatternBlob(4096, 1).digest()).isNotEqualTo(new PatternBlob(4096, 2).digest());
    }

    @Test
    void shouldAcceptExactContentWhenVerifyingInAnyPieces() throws IOException {
        PatternBlob blob = new PatternBlob(SIZE, 3);
        byte[] whole = written(blob, 0, SIZE);
        PatternBlob.Verifier v = blob.verifier();
        for (int off = 0; off < whole.length; off += 65_537) {
            v.accept(whole, off, Math.min(65_537, whole.length - off));
        }
        v.finish();
    }

    @Test
    void shouldFailWhenContentDiffersIsShortOrTooLong() throws IOException {
        PatternBlob blob = new PatternBlob(SIZE, 3);
        byte[] whole = written(blob, 0, SIZE);
        whole[PatternBlob.BLOCK + 5] ^= 1;
        assertThatThrownBy(() -> blob.verifier().accept(whole, 0, whole.length)).isInstanceOf(BenchmarkFailure.class)
                .hasMessageContaining(Long.toString(PatternBlob.BLOCK + 5L));
        PatternBlob.Verifier shortOne = blob.verifier();
        shortOne.accept(written(blob, 0, 100), 0, 100);
        assertThatThrownBy(shortOne::finish).isInstanceOf(BenchmarkFailure.class);
        byte[] longer = new byte[(int) SIZE + 1];
        System.arraycopy(written(blob, 0, SIZE), 0, longer, 0, (int) SIZE);
        assertThatThrownBy(() -> blob.verifier().accept(longer, 0, longer.length)).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldMatchAnyPieceOfItselfWithoutStateWhenCompared() throws IOException {
        PatternBlob blob = new PatternBlob(SIZE, 5);
        byte[] whole = written(blob, 0, SIZE);
        // Pieces that start inside a block's stamp, straddle a block boundary, and end the blob.
        long[][] pieces = {{0, 10}, {3, 40}, {PatternBlob.BLOCK - 7, PatternBlob.BLOCK + 20},
                {PatternBlob.BLOCK + 15, 2L * PatternBlob.BLOCK + 1}, {SIZE - 100, SIZE}};
        for (long[] p : pieces) {
            int length = (int) (p[1] - p[0]);
            byte[] buffer = new byte[length + 8];
            System.arraycopy(whole, (int) p[0], buffer, 8, length);
            assertThat(blob.mismatch(p[0], buffer, 8, length)).as("%d-%d", p[0], p[1]).isEqualTo(-1);
        }
    }

    @Test
    void shouldPointAtTheFirstWrongByteWhenCompared() throws IOException {
        PatternBlob blob = new PatternBlob(SIZE, 5);
        byte[] piece = written(blob, PatternBlob.BLOCK - 100, PatternBlob.BLOCK + 100);
        piece[100 + 9] ^= 1; // inside the next block's stamp: its block number
        assertThat(blob.mismatch(PatternBlob.BLOCK - 100, piece, 0, piece.length)).isEqualTo(109);
        piece[100 + 9] ^= 1;
        piece[150] ^= (byte) 0x80; // in the pattern
        assertThat(blob.mismatch(PatternBlob.BLOCK - 100, piece, 0, piece.length)).isEqualTo(150);
        assertThat(new PatternBlob(SIZE, 6).mismatch(0, written(blob, 0, 16), 0, 16)).isZero(); // another seed
        assertThat(blob.mismatch(SIZE - 4, new byte[8], 0, 8)).isBetween(0, 4); // past the end at the latest
        byte[] tail = written(blob, SIZE - 4, SIZE);
        byte[] longer = java.util.Arrays.copyOf(tail, 5);
        assertThat(blob.mismatch(SIZE - 4, longer, 0, 5)).isEqualTo(4);
    }
}
