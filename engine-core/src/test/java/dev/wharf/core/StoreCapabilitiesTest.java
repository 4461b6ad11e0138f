package dev.wharf.core;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.GcReport;
import dev.wharf.api.GcSettings;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ForwardingBlobStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A blob store that declares no {@link BlobStore#deletion()} role keeps every blob: the engine answers a blob
 * delete UNSUPPORTED (nothing is unlinked) and garbage collection leaves the bytes alone, while everything else
 * works as usual.
 */
class StoreCapabilitiesTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("worm/app");

    @Test
    void shouldAnswerUnsupportedAndKeepTheLinkWhenTheStoreCannotDelete() {
        try (Registry registry = Registry.builder().blobStore(new WriteOnceStore()).build()) {
            Digest blob = push(registry, "kept forever");
            assertThatThrownBy(() -> registry.deleteBlob(ME, REPO, blob))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED));
            assertThat(registry.statBlob(ME, REPO, blob)).isPresent();
        }
    }

    @Test
    void shouldCollectNothingButKeepServingWhenTheStoreCannotDelete() {
        try (Registry registry = Registry.builder().blobStore(new WriteOnceStore())
                .garbageCollection(GcSettings.defaults().withBlobGracePeriod(Duration.ZERO)).build()) {
            Digest blob = push(registry, "never reclaimed");
            GcReport report = registry.collectGarbage();
            assertThat(report.blobsDeleted()).isZero();
            assertThat(report.blobsPending()).isZero();
            assertThat(registry.statBlob(ME, REPO, blob)).map(BlobInfo::size).contains(15L);
        }
    }

    private static Digest push(Registry registry, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Digest digest = DigestAlgorithm.SHA256.digest(bytes);
        registry.pushBlob(ME, REPO, digest, UploadChunk.of(bytes));
        return digest;
    }

    /** The in-memory store without its deletion role, as a write-once archive would be. */
    private static final class WriteOnceStore extends ForwardingBlobStore {
        WriteOnceStore() {
            super(new InMemoryBlobStore());
        }

        @Override
        public Optional<BlobDeletion> deletion() {
            return Optional.empty();
        }
    }
}
