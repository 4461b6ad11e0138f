package dev.wharf.testkit;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobStaging;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

import static dev.wharf.testkit.BlobFixtures.bytes;
import static dev.wharf.testkit.BlobFixtures.in;
import static dev.wharf.testkit.BlobFixtures.put;
import static dev.wharf.testkit.BlobFixtures.random;
import static dev.wharf.testkit.BlobFixtures.read;
import static dev.wharf.testkit.BlobFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link BlobStaging} and {@link StagedBlob} contract: staged bytes are invisible until committed, appended,
 * cut back and re-read exactly, resumable by id while the write lasts; a commit publishes them once per digest;
 * a write that is gone fails every use but {@code discard}; an input stream's own failure reaches the caller
 * unchanged. Run through {@link BlobStoreContract}.
 */
public interface BlobStagingContract extends BlobStoreUnderTest {

    /** A stream that yields {@code data} one byte per read, then throws {@code failure} if it is not null. */
    private static InputStream trickle(byte[] data, RuntimeException failure) {
        return new InputStream() {
            private int next;

            @Override
            public int read() {
                if (next < data.length) {
                    return data[next++] & 0xff;
                }
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
    }

    @Test
    default void shouldStartEmptyWithAFreshFilesystemSafeId() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            StagedBlob staged = store().stage();
            assertThat(staged.size()).isZero();
            assertThat(read(staged)).isEmpty();
            assertThat(staged.id()).matches("[A-Za-z0-9._-]{1,255}").isNotIn(".", "..");
            ids.add(staged.id());
        }
        assertThat(ids).as("every staged write has its own id").hasSize(3);
    }

    @Test
    default void shouldHideStagedBytesUntilCommit() {
        byte[] data = bytes("not yet");
        Digest d = sha256(data);
        StagedBlob staged = store().stage();
        staged.append(in(data));
        assertThat(store().stat(d)).isEmpty();
        assertThat(store().open(d, 0, 0)).isEmpty();
        assertThat(staged.commit(d)).isEqualTo(new BlobInfo(d, data.length));
        assertThat(read(store(), d)).isEqualTo(data);
    }

    @Test
    default void shouldReturnHowManyBytesEachAppendAdded() {
        StagedBlob staged = store().stage();
        assertThat(staged.append(in(bytes("abc")))).isEqualTo(3);
        assertThat(staged.append(in(new byte[0]))).as("an empty chunk").isZero();
        assertThat(staged.append(in(bytes("defg")), false)).isEqualTo(4);
        assertThat(staged.size()).isEqualTo(7);
        assertThat(read(staged)).isEqualTo(bytes("abcdefg"));
    }

    @Test
    default void shouldReadStreamsThatYieldOneByteAtATime() {
        byte[] data = random(5_000, 4);
        StagedBlob staged = store().stage();
        assertThat(staged.append(trickle(data, null))).isEqualTo(data.length);
        assertThat(read(staged)).isEqualTo(data);
    }

    @Test
    default void shouldAppendPiecesPushedThroughAWriter() {
        byte[] data = random(200_000, 5);
        StagedBlob staged = store().stage();
        staged.append(in(java.util.Arrays.copyOf(data, 1000)));
        StagedWriter writer = staged.writer();
        for (int i = 1000; i < data.length; i += 4097) {
            java.nio.ByteBuffer piece = java.nio.ByteBuffer.wrap(data, i, Math.min(4097, data.length - i));
            writer.write(piece);
            assertThat(piece.hasRemaining()).as("a write consumes its buffer").isFalse();
        }
        writer.finish(true);
        writer.close(); // harmless after finish
        assertThat(staged.size()).isEqualTo(data.length);
        assertThat(read(staged)).isEqualTo(data);
        Digest d = sha256(data);
        assertThat(staged.commit(d)).isEqualTo(new BlobInfo(d, data.length));
        assertThat(read(store(), d)).isEqualTo(data);
    }

    @Test
    default void shouldCutBackWhatAnAbandonedWriterWrote() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("kept")));
        StagedWriter writer = staged.writer();
        writer.write(java.nio.ByteBuffer.wrap(bytes("-abandoned")));
        writer.close();
        writer.close(); // idempotent
        staged.truncate(4);
        assertThat(read(staged)).isEqualTo(bytes("kept"));
        StagedWriter next = staged.writer();
        next.write(java.nio.ByteBuffer.wrap(bytes("+more")));
        next.finish(false);
        assertThat(read(staged)).isEqualTo(bytes("kept+more"));
    }

    @Test
    default void shouldTruncateThenAppend() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("keep-drop")));
        staged.truncate(4);
        assertThat(staged.size()).isEqualTo(4);
        staged.append(in(bytes("!")));
        assertThat(read(staged)).isEqualTo(bytes("keep!"));
        staged.truncate(0);
        assertThat(staged.size()).isZero();
        staged.append(in(bytes("anew")));
        Digest d = sha256(bytes("anew"));
        assertThat(staged.commit(d).size()).isEqualTo(4);
        assertThat(read(store(), d)).isEqualTo(bytes("anew"));
    }

    @Test
    default void shouldReReadTheStagedBytesFromTheStartEachTime() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("first")));
        assertThat(read(staged)).isEqualTo(bytes("first"));
        assertThat(read(staged)).as("a second read starts over").isEqualTo(bytes("first"));
        staged.append(in(bytes("+second")), false);
        assertThat(read(staged)).isEqualTo(bytes("first+second"));
    }

    @Test
    default void shouldPublishOnCommitAndEndTheStagedWrite() {
        byte[] data = bytes("published");
        Digest d = sha256(data);
        StagedBlob staged = store().stage();
        staged.append(in(data));
        staged.commit(d);
        assertThat(store().resume(staged.id())).as("a committed write cannot be resumed").isEmpty();
        assertThatThrownBy(staged::size).isInstanceOf(StorageException.class);
        assertThatCode(staged::discard).as("discard after commit").doesNotThrowAnyException();
        assertThat(read(store(), d)).as("a discard after commit leaves the blob").isEqualTo(data);
    }

    @Test
    default void shouldKeepThePublishedBytesWhenADigestIsCommittedAgain() {
        byte[] original = bytes("original");
        Digest d = put(store(), original).digest();
        StagedBlob again = store().stage();
        again.append(in(bytes("imposter"))); // same length; the engine would never commit it, but nor may the store
        assertThat(again.commit(d).digest()).isEqualTo(d);
        assertThat(store().resume(again.id())).as("the staged copy is discarded").isEmpty();
        assertThat(read(store(), d)).isEqualTo(original);
    }

    @Test
    default void shouldEndWithOneReadableBlobWhenOneDigestIsCommittedConcurrently() throws Exception {
        byte[] data = random(200_000, 5);
        List<BlobInfo> infos = Parallel.run(Parallel.THREADS * 2, i -> () -> put(store(), data));
        assertThat(infos).containsOnly(new BlobInfo(sha256(data), data.length));
        assertThat(read(store(), sha256(data))).isEqualTo(data);
    }

    @Test
    default void shouldAnswerEmptyWhenResumingIdsItNeverIssued() {
        store().stage().append(in(bytes("something staged"))); // so that a store with staged writes is asked
        List<String> ids = List.of("", ".", "..", "../../etc/passwd", "/etc/passwd", "..\\..\\windows",
                "a/b", "staging", "blobs", "%2e%2e%2f", "\u0000", "x".repeat(300), UUID.randomUUID().toString(),
                "------------------------------------");
        for (String id : ids) {
            assertThat(store().resume(id)).as("resume(\"%s\")", id).isEmpty();
        }
    }

    @Test
    default void shouldResumeAStagedWriteByItsId() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("abc")));
        StagedBlob resumed = store().resume(staged.id()).orElseThrow();
        assertThat(resumed.id()).isEqualTo(staged.id());
        assertThat(resumed.size()).isEqualTo(3);
        resumed.append(in(bytes("def")));
        assertThat(read(resumed)).isEqualTo(bytes("abcdef"));
        Digest d = sha256(bytes("abcdef"));
        assertThat(resumed.commit(d)).isEqualTo(new BlobInfo(d, 6));
        assertThat(read(store(), d)).isEqualTo(bytes("abcdef"));
    }

    @Test
    default void shouldFailEveryUseOfADiscardedWrite() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("doomed")));
        staged.discard();
        Map<String, Executable> uses = Map.of(
                "size", staged::size,
                "append", () -> staged.append(in(bytes("more"))),
                "truncate", () -> staged.truncate(0),
                "read", () -> read(staged),
                "commit", () -> staged.commit(sha256(bytes("doomed"))));
        uses.forEach((name, use) -> assertThatThrownBy(use::execute).as(name).isInstanceOf(StorageException.class));
        assertThat(store().resume(staged.id())).isEmpty();
        assertThat(store().stat(sha256(bytes("doomed")))).isEmpty();
    }

    @Test
    default void shouldDiscardIdempotentlyAndThroughAResumedInstance() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("twice")));
        store().resume(staged.id()).orElseThrow().discard();
        assertThatThrownBy(staged::size).as("discarded by another instance").isInstanceOf(StorageException.class);
        assertThatCode(() -> {
            staged.discard();
            staged.discard();
        }).doesNotThrowAnyException();
        assertThat(store().resume(staged.id())).isEmpty();
    }

    @Test
    default void shouldCommitAStagedWriteThatNeverReceivedBytes() {
        StagedBlob staged = store().stage();
        Digest empty = sha256(new byte[0]);
        assertThat(staged.commit(empty)).isEqualTo(new BlobInfo(empty, 0));
        assertThat(store().stat(empty)).contains(new BlobInfo(empty, 0));
    }

    @Test
    default void shouldPropagateTheInputsOwnFailureUnchanged() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("acknowledged")));
        // What a container throws when the client's body is cut: an unchecked I/O failure that is not the store's.
        RuntimeException broken = new UncheckedIOException("the client's body broke", new EOFException("early EOF"));
        assertThatThrownBy(() -> staged.append(trickle(bytes("partial"), broken))).isSameAs(broken);
        assertThat(staged.size()).as("somewhere between the old and the new size").isBetween(12L, 19L);
        staged.truncate(12); // what the engine does after a failed chunk
        staged.append(in(bytes("+retried")));
        byte[] expected = bytes("acknowledged+retried");
        assertThat(read(staged)).isEqualTo(expected);
        assertThat(staged.commit(sha256(expected)).size()).isEqualTo(expected.length);
    }

    @Test
    default void shouldKeepConcurrentStagedWritesApart() throws Exception {
        int chunks = 10;
        List<byte[]> published = Parallel.run(Parallel.THREADS, t -> () -> {
            StagedBlob staged = store().stage();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int chunk = 0; chunk < chunks; chunk++) {
                byte[] data = random(10_000, 100L * t + chunk);
                staged.append(in(data), chunk % 2 == 0);
                all.writeBytes(data);
            }
            return read(store(), staged.commit(sha256(all.toByteArray())).digest());
        });
        for (int t = 0; t < published.size(); t++) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int chunk = 0; chunk < chunks; chunk++) {
                expected.writeBytes(random(10_000, 100L * t + chunk));
            }
            assertThat(published.get(t)).as("writer %d", t).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    default void shouldAnnounceAConstantPositiveMinimumChunkSizeIfAny() {
        OptionalLong minimum = store().minimumChunkSize();
        assertThat(store().minimumChunkSize()).as("asked again").isEqualTo(minimum);
        minimum.ifPresent(m -> assertThat(m).isPositive());
    }

    @Test
    default void shouldAcceptAppendsSmallerThanTheMinimumChunkSize() {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("x"))); // a client may ignore the minimum: a store buffers, never refuses
        staged.append(in(bytes("y")), false);
        byte[] data = bytes("xy");
        assertThat(staged.size()).isEqualTo(2);
        assertThat(staged.commit(sha256(data))).isEqualTo(new BlobInfo(sha256(data), 2));
        assertThat(read(store(), sha256(data))).isEqualTo(data);
    }

    @Test
    default void shouldResumeAStagedWriteAfterReopen() throws Exception {
        StagedBlob staged = store().stage();
        staged.append(in(bytes("before restart")));
        String id = staged.id();
        BlobStore reopened = reopen();
        StagedBlob resumed = reopened.resume(id).orElseThrow();
        assertThat(resumed.size()).isEqualTo(14);
        resumed.append(in(bytes(", after")));
        byte[] all = bytes("before restart, after");
        assertThat(read(resumed)).isEqualTo(all);
        assertThat(resumed.commit(sha256(all)).size()).isEqualTo(all.length);
    }
}
