package dev.wharf.testkit;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.MappedBlobStream;
import dev.wharf.spi.StagedBlob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The blob store contract against {@link FileSystemBlobStore}, plus its on-disk promises. */
class FileSystemBlobStoreContractTest extends BlobStoreContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore openStore() {
        return new FileSystemBlobStore(root);
    }

    @Override
    protected BlobStore reopenStore() {
        return new FileSystemBlobStore(root);
    }

    @Test
    void shouldLayOutBlobsByAlgorithmAndPrefixAndLeaveNoStagingFiles() throws IOException {
        byte[] data = bytes("layout");
        put(data);
        String hex = DigestAlgorithm.SHA256.digest(data).encoded();
        assertThat(root.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex)).hasBinaryContent(data);
        try (Stream<Path> staging = Files.list(root.resolve("staging"))) {
            assertThat(staging).isEmpty();
        }
    }

    @Test
    void shouldOpenStreamsThatCanBeMapped() throws IOException {
        // The contract's mapping case runs only for such stores: this store must stay one of them.
        byte[] data = bytes("mapped");
        put(data);
        try (InputStream in = store.open(DigestAlgorithm.SHA256.digest(data), 0, data.length).orElseThrow()) {
            assertThat(in).isInstanceOf(MappedBlobStream.class);
        }
    }

    @Test
    void shouldResumeStagedWriteFromAnotherInstance() throws IOException {
        StagedBlob staged = store.stage();
        staged.append(new ByteArrayInputStream(bytes("part one")));
        BlobStore reopened = new FileSystemBlobStore(root);
        StagedBlob resumed = reopened.resume(staged.id()).orElseThrow();
        assertThat(resumed.size()).isEqualTo(8);
        assertThat(reopened.resume("../../etc/passwd")).isEmpty();
    }
}
