package dev.wharf.testkit;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link BlobStore} contract, run unchanged against every implementation. */
public abstract class BlobStoreContract {
    protected BlobStore store;

    protected abstract BlobStore openStore() throws Exception;

    @BeforeEach
    void openFresh() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected BlobInfo put(byte[] data) throws IOException {
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(data));
        return staged.commit(DigestAlgorithm.SHA256.digest(data));
    }

    @Test
    void shouldHideStagedBytesUntilCommit() throws IOException {
        byte[] data = bytes("hello blob");
        Digest d = DigestAlgorithm.SHA256.digest(data);
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(data));
        assertThat(store.stat(d)).isEmpty();
        assertThat(staged.size()).isEqualTo(data.length);
        assertThat(staged.commit(d)).isEqualTo(new BlobInfo(d, data.length));
        assertThat(store.stat(d)).contains(new BlobInfo(d, data.length));
        try (InputStream in = store.open(d, 0, data.length).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void shouldReadRanges() throws IOException {
        BlobInfo info = put(bytes("0123456789"));
        try (InputStream in = store.open(info.digest(), 3, 4).orElseThrow()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("3456");
        }
    }

    @Test
    void shouldTruncateAndReReadStagedBytes() throws IOException {
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(bytes("keep-drop")));
        staged.truncate(4);
        staged.append(new ByteArrayInputStream(bytes("!")));
        try (InputStream in = staged.read()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("keep!");
        }
        assertThat(store.resume(staged.id())).isPresent();
        staged.discard();
        staged.discard();
        assertThat(store.resume(staged.id())).isEmpty();
    }

    @Test
    void shouldKeepOneCopyWhenSameDigestIsCommittedTwice() throws Exception {
        byte[] data = bytes("same bytes");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<BlobInfo>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit((Callable<BlobInfo>) () -> put(data)));
            }
            for (Future<BlobInfo> f : results) {
                assertThat(f.get().size()).isEqualTo(data.length);
            }
        } finally {
            pool.shutdown();
        }
        List<BlobInfo> all = new ArrayList<>();
        store.deletion().orElseThrow().forEach(all::add);
        assertThat(all).containsExactly(new BlobInfo(DigestAlgorithm.SHA256.digest(data), data.length));
    }

    @Test
    void shouldDeleteAndReportMissingBlobs() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(store.deletion().isPresent(),
                "the store declares no deletion role: it keeps every blob");
        BlobInfo info = put(bytes("to delete"));
        assertThat(store.deletion().orElseThrow().delete(info.digest())).isTrue();
        assertThat(store.deletion().orElseThrow().delete(info.digest())).isFalse();
        assertThat(store.stat(info.digest())).isEmpty();
        assertThat(store.open(info.digest(), 0, 1)).isEmpty();
    }

    @Test
    void shouldStoreEmptyBlob() throws IOException {
        BlobInfo info = put(new byte[0]);
        assertThat(info.size()).isZero();
        try (InputStream in = store.open(info.digest(), 0, 0).orElseThrow()) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }
}
