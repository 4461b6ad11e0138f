package dev.wharf.core;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ForwardingBlobStore;
import dev.wharf.spi.StagedBlob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session reloaded from the metadata store (after a restart) while expiry closes it on another thread:
 * the staged file can disappear between {@link BlobStore#resume} and the size check. The client must hear
 * BLOB_UPLOAD_UNKNOWN, as for any expired session, never a storage error.
 */
class UploadReloadRaceTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("race/app");

    @TempDir
    Path dir;

    @Test
    void shouldAnswerUploadUnknownWhenStagedBytesVanishWhileSessionIsReloaded() throws IOException {
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        String id;
        try (Registry first = Registry.builder().blobStore(new FileSystemBlobStore(dir)).metadataStore(metadata)
                .build()) {
            id = first.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
            byte[] chunk = new byte[1000];
            first.appendUpload(ME, REPO, id, new UploadChunk(new ByteArrayInputStream(chunk),
                    OptionalLong.of(chunk.length), Optional.of(new ByteRange(0, chunk.length - 1))));
        }

        BlobStore racing = new VanishingStagedBytes(new FileSystemBlobStore(dir));
        try (Registry second = Registry.builder().blobStore(racing).metadataStore(metadata).build()) {
            String session = id;
            assertThatThrownBy(() -> second.uploadStatus(ME, REPO, session))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
            assertThat(metadata.upload(session)).isEmpty();
        }
        try (Stream<Path> staged = Files.list(dir.resolve("staging"))) {
            assertThat(staged).isEmpty();
        }
    }

    /** Deletes a staged file right after resuming it, as a concurrent expiry would. */
    private static final class VanishingStagedBytes extends ForwardingBlobStore {
        VanishingStagedBytes(FileSystemBlobStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<StagedBlob> resume(String stagedId) {
            Optional<StagedBlob> staged = delegate().resume(stagedId);
            if (staged.isPresent()) {
                staged.get().discard();
            }
            return staged;
        }
    }
}
