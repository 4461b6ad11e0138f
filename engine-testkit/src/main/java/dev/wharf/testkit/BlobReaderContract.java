package dev.wharf.testkit;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.BlobReader;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MappedBlobStream;
import dev.wharf.spi.StagedBlob;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static dev.wharf.testkit.BlobFixtures.bytes;
import static dev.wharf.testkit.BlobFixtures.drain;
import static dev.wharf.testkit.BlobFixtures.in;
import static dev.wharf.testkit.BlobFixtures.put;
import static dev.wharf.testkit.BlobFixtures.random;
import static dev.wharf.testkit.BlobFixtures.read;
import static dev.wharf.testkit.BlobFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@link BlobReader} contract: a stored blob is stat'ed and read whole or by any range that lies within it;
 * a range outside it is an {@link IllegalArgumentException}; a blob that is not stored is empty, whatever the
 * range; where the store's streams are {@link MappedBlobStream}s, their windows hold the same bytes as reads. Run
 * through {@link BlobStoreContract}.
 */
public interface BlobReaderContract extends BlobStoreUnderTest {

    @Test
    default void shouldAnswerEmptyForBlobsNeverStored() {
        BlobStore store = store();
        for (Digest d : List.of(sha256(bytes("absent")), DigestAlgorithm.SHA512.digest(bytes("absent")))) {
            assertThat(store.stat(d)).as("stat %s", d).isEmpty();
            assertThat(store.open(d, 0, 0)).as("open %s", d).isEmpty();
            assertThat(store.open(d, 5, 10)).as("a range of an absent blob is absent, not out of bounds").isEmpty();
        }
    }

    @Test
    default void shouldStatAndReadAWholeBlob() {
        byte[] data = bytes("hello blob");
        BlobInfo info = put(store(), data);
        assertThat(info).isEqualTo(new BlobInfo(sha256(data), data.length));
        assertThat(store().stat(sha256(data))).contains(info);
        assertThat(read(store(), info.digest(), 0, data.length)).isEqualTo(data);
    }

    @Test
    default void shouldReadRangesAtTheStartTheMiddleAndTheEnd() {
        Digest d = put(store(), bytes("0123456789")).digest();
        assertThat(read(store(), d, 0, 3)).isEqualTo(bytes("012"));
        assertThat(read(store(), d, 3, 4)).isEqualTo(bytes("3456"));
        assertThat(read(store(), d, 7, 3)).isEqualTo(bytes("789"));
        assertThat(read(store(), d, 9, 1)).isEqualTo(bytes("9"));
    }

    @Test
    default void shouldReadZeroLengthRangesAnywhereWithinTheBlob() {
        Digest d = put(store(), bytes("0123456789")).digest();
        for (long offset : new long[] {0, 5, 10}) {
            assertThat(read(store(), d, offset, 0)).as("0 bytes at %d", offset).isEmpty();
        }
    }

    @Test
    default void shouldRefuseRangesOutsideTheBlob() {
        Digest d = put(store(), bytes("0123456789")).digest();
        long[][] ranges = {{0, 11}, {10, 1}, {11, 0}, {-1, 1}, {0, -1}, {1, Long.MAX_VALUE}, {Long.MAX_VALUE, 1},
                {Long.MAX_VALUE, Long.MAX_VALUE}};
        for (long[] range : ranges) {
            assertThatThrownBy(() -> store().open(d, range[0], range[1]).ifPresent(BlobFixtures::drain))
                    .as("range %d+%d of 10 bytes", range[0], range[1]).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    default void shouldStoreTheEmptyBlob() {
        BlobInfo info = put(store(), new byte[0]);
        assertThat(info.size()).isZero();
        assertThat(store().stat(info.digest())).contains(info);
        assertThat(read(store(), info.digest(), 0, 0)).isEmpty();
        assertThatThrownBy(() -> store().open(info.digest(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void shouldReadLargeBlobsWrittenInChunksAcrossBufferBoundaries() {
        byte[] data = random(1_048_576 + 7, 1);
        StagedBlob staged = store().stage();
        staged.append(in(Arrays.copyOfRange(data, 0, 65_537)));
        staged.append(in(Arrays.copyOfRange(data, 65_537, 700_000)), false);
        staged.append(in(Arrays.copyOfRange(data, 700_000, data.length)), false);
        Digest d = staged.commit(sha256(data)).digest();
        assertThat(store().stat(d).orElseThrow().size()).isEqualTo(data.length);
        assertThat(read(store(), d)).isEqualTo(data);
        assertThat(read(store(), d, 262_100, 300_000)).isEqualTo(Arrays.copyOfRange(data, 262_100, 562_100));
    }

    @Test
    default void shouldKeepDigestsOfDifferentAlgorithmsApart() {
        byte[] data = bytes("one content, two digests");
        BlobInfo wide = put(store(), data, DigestAlgorithm.SHA512);
        assertThat(wide.digest().algorithm()).isEqualTo(DigestAlgorithm.SHA512);
        assertThat(store().stat(wide.digest())).contains(new BlobInfo(wide.digest(), data.length));
        assertThat(read(store(), wide.digest())).isEqualTo(data);
        assertThat(store().stat(sha256(data))).as("never published under sha256").isEmpty();
    }

    @Test
    default void shouldServeConcurrentReadersOfOneBlob() throws Exception {
        byte[] data = random(300_000, 2);
        Digest d = put(store(), data).digest();
        List<Boolean> same = Parallel.run(Parallel.THREADS * 2, i -> () -> {
            boolean all = true;
            for (int round = 0; round < 5; round++) {
                all &= Arrays.equals(read(store(), d, 0, data.length), data);
            }
            return all;
        });
        assertThat(same).containsOnly(true);
    }

    @Test
    default void shouldKeepOpenStreamsOfOneBlobIndependent() throws Exception {
        Digest d = put(store(), bytes("0123456789")).digest();
        try (InputStream first = store().open(d, 0, 10).orElseThrow();
             InputStream second = store().open(d, 5, 5).orElseThrow()) {
            assertThat(first.readNBytes(3)).isEqualTo(bytes("012"));
            assertThat(second.readNBytes(2)).isEqualTo(bytes("56"));
            assertThat(first.readNBytes(3)).isEqualTo(bytes("345"));
            assertThat(drain(second)).isEqualTo(bytes("789"));
            assertThat(first.readAllBytes()).isEqualTo(bytes("6789"));
        }
    }

    @Test
    default void shouldMapTheBytesItReadsWhereItsStreamsCanBeMapped() throws Exception {
        byte[] data = random(300_000, 4);
        Digest d = put(store(), data).digest();
        try (InputStream probe = store().open(d, 0, data.length).orElseThrow()) {
            assumeTrue(probe instanceof MappedBlobStream, "the store's streams are not MappedBlobStreams");
        }
        long[][] ranges = {{0, data.length}, {4_097, 200_000}, {data.length - 1, 1}, {123, 0}};
        for (long[] range : ranges) {
            for (int window : new int[] {1, 4_096, 65_537, 1 << 20}) {
                if (window == 1 && range[1] > 10_000) {
                    continue; // one mapping per byte: the small ranges cover it
                }
                ByteArrayOutputStream mapped = new ByteArrayOutputStream();
                try (InputStream in = store().open(d, range[0], range[1]).orElseThrow()) {
                    MappedBlobStream windows = (MappedBlobStream) in;
                    for (ByteBuffer next = windows.mapNext(window); next != null; next = windows.mapNext(window)) {
                        assertThat(next.remaining()).as("a window of at most %d bytes", window)
                                .isBetween(1, window);
                        byte[] copy = new byte[next.remaining()];
                        next.get(copy);
                        mapped.writeBytes(copy);
                        windows.unmap(next);
                    }
                    assertThat(in.read()).as("mapped to the end, nothing is left to read").isEqualTo(-1);
                }
                assertThat(mapped.toByteArray()).as("range %d+%d in windows of %d", range[0], range[1], window)
                        .isEqualTo(Arrays.copyOfRange(data, (int) range[0], (int) (range[0] + range[1])));
            }
        }
        // Reads and windows share one position.
        try (InputStream in = store().open(d, 1_000, 10_000).orElseThrow()) {
            assertThat(in.readNBytes(100)).isEqualTo(Arrays.copyOfRange(data, 1_000, 1_100));
            ByteBuffer window = ((MappedBlobStream) in).mapNext(50);
            byte[] copy = new byte[window.remaining()];
            window.get(copy);
            assertThat(copy).isEqualTo(Arrays.copyOfRange(data, 1_100, 1_150));
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1_150, 11_000));
            assertThatThrownBy(() -> ((MappedBlobStream) in).mapNext(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    default void shouldKeepBlobsAcrossReopen() throws Exception {
        byte[] data = random(70_000, 3);
        Digest d = put(store(), data).digest();
        Digest empty = put(store(), new byte[0]).digest();
        BlobStore reopened = reopen();
        assertThat(reopened.stat(d)).contains(new BlobInfo(d, data.length));
        assertThat(read(reopened, d)).isEqualTo(data);
        assertThat(reopened.stat(empty)).contains(new BlobInfo(empty, 0));
    }
}
