package dev.wharf.rocksdb;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.RepositoryName;
import dev.wharf.testkit.MetadataStoreContract;
import dev.wharf.spi.MetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wharf.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metadata store contract against {@link RocksDbMetadataStore}, plus its lifecycle promises. */
class RocksDbMetadataStoreContractTest extends MetadataStoreContract {
    @TempDir
    Path dir;
    @TempDir
    Path backups;

    @Override
    protected MetadataStore openStore() {
        return RocksDbMetadataStore.open(dir);
    }

    @Override
    protected MetadataStore reopenStore() {
        return RocksDbMetadataStore.open(dir);
    }

    @Test
    void shouldRefuseSecondOpenOfSameDirectoryAndStayUsable() {
        assertThatThrownBy(() -> RocksDbMetadataStore.open(dir)).isInstanceOf(StorageException.class)
                .hasMessageContaining("cannot open metadata store").hasMessageContaining("in use by another");
        RepositoryName repo = RepositoryName.of("still/works");
        store.linkBlob(repo, DigestAlgorithm.SHA256.digest("x".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.repositoryExists(repo)).isTrue();
    }

    @Test
    void shouldWriteCheckpointThatOpensWithTheSameContent() {
        RepositoryName repo = RepositoryName.of("backed/up");
        store.linkBlob(repo, DigestAlgorithm.SHA256.digest("y".getBytes(StandardCharsets.UTF_8)));
        Path copy = backups.resolve("checkpoint");
        ((RocksDbMetadataStore) store).checkpoint(copy);
        store.linkBlob(RepositoryName.of("after/checkpoint"), DigestAlgorithm.SHA256.digest(new byte[0]));
        try (RocksDbMetadataStore restored = RocksDbMetadataStore.open(copy)) {
            assertThat(restored.repositoryExists(repo)).isTrue();
            assertThat(restored.repositoryExists(RepositoryName.of("after/checkpoint"))).isFalse();
        }
    }

    @Test
    void shouldFailCleanlyWhenUsedAfterClose() {
        store.close();
        assertThatThrownBy(() -> store.repositoryExists(REPO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        store = null;
    }
}
