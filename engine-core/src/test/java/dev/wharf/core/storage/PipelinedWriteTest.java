package dev.wharf.core.storage;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filesystem store writes large pieces on a background thread while the next one arrives: the bytes must
 * still land whole and in order, a caller's buffer must be free for reuse on return, and an abandoned write
 * must be cut back cleanly.
 */
class PipelinedWriteTest {
    @TempDir
    Path root;

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] read(StagedBlob staged) throws IOException {
        try (InputStream in = staged.read()) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldWritePiecesOfEverySizeInOrderThroughOneReusedBuffer() throws IOException {
        byte[] data = random(9 * 1024 * 1024 + 12_345, 1);
        int[] sizes = {100, 300_000, 70_000, 5, 256 * 1024, 64 * 1024 - 1, 64 * 1024, 1_000_000, 17};
        try (FileSystemBlobStore store = new FileSystemBlobStore(root)) {
            StagedBlob staged = store.stage();
            StagedWriter writer = staged.writer();
            byte[] reused = new byte[1_000_000];
            int from = 0;
            for (int i = 0; from < data.length; i++) {
                int n = Math.min(sizes[i % sizes.length], data.length - from);
                System.arraycopy(data, from, reused, 0, n);
                ByteBuffer piece = ByteBuffer.wrap(reused, 0, n);
                writer.write(piece);
                assertThat(piece.hasRemaining()).as("the piece is consumed on return").isFalse();
                java.util.Arrays.fill(reused, 0, n, (byte) 0); // the caller reuses its buffer at once
                from += n;
            }
            writer.finish(true);
            assertThat(staged.size()).isEqualTo(data.length);
            assertThat(read(staged)).isEqualTo(data);
            Digest digest = DigestAlgorithm.SHA256.digest(data);
            assertThat(staged.commit(digest).size()).isEqualTo(data.length);
            try (InputStream in = store.open(digest, 0, data.length).orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
    }

    @Test
    void shouldAppendLargeStreamsInOrder() throws IOException {
        byte[] data = random(3 * 1024 * 1024 + 7, 2);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root)) {
            StagedBlob staged = store.stage();
            assertThat(staged.append(new ByteArrayInputStream(data, 0, 1_500_000), true)).isEqualTo(1_500_000);
            assertThat(staged.append(new ByteArrayInputStream(data, 1_500_000, data.length - 1_500_000), false))
                    .isEqualTo(data.length - 1_500_000);
            assertThat(read(staged)).isEqualTo(data);
        }
    }

    @Test
    void shouldLeaveAnAbandonedWriteReadyToBeCutBack() throws IOException {
        byte[] kept = random(200_000, 3);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root)) {
            StagedBlob staged = store.stage();
            staged.append(new ByteArrayInputStream(kept), true);
            StagedWriter writer = staged.writer();
            for (int i = 0; i < 20; i++) {
                writer.write(ByteBuffer.wrap(random(256 * 1024, 10 + i)));
            }
            writer.close(); // abandoned mid-body, with a piece possibly still being written
            writer.close();
            staged.truncate(kept.length);
            assertThat(read(staged)).isEqualTo(kept);
        }
    }

    @Test
    void shouldKeepABoundedNumberOfIdleBuffers() {
        DirectBufferPool pool = new DirectBufferPool(1024, 2);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        ByteBuffer c = pool.acquire();
        assertThat(a.isDirect()).isTrue();
        assertThat(a.capacity()).isEqualTo(1024);
        a.put((byte) 1);
        pool.release(a);
        pool.release(b);
        pool.release(c);
        pool.release(null);
        assertThat(pool.idle()).isEqualTo(2);
        ByteBuffer again = pool.acquire();
        assertThat(again).isSameAs(a);
        assertThat(again.position()).as("cleared").isZero();
        assertThat(pool.idle()).isEqualTo(1);
    }
}
