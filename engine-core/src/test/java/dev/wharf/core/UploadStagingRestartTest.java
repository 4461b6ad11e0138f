package dev.wharf.core;

import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session whose staged write the blob store no longer has when the session is reloaded (after a restart, or on
 * another node): a store need not make a staged write durable before its first durable append, so a session
 * with nothing acknowledged continues on a new staged write, while one whose acknowledged bytes are gone is
 * unknown.
 */
class UploadStagingRestartTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("restart/app");

    private static UploadChunk chunk(byte[] bytes, long from) {
        return new UploadChunk(new ByteArrayInputStream(bytes), OptionalLong.of(bytes.length),
                Optional.of(new ByteRange(from, from + bytes.length - 1)));
    }

    @Test
    void shouldContinueASessionWithNothingAcknowledgedAndForgetOneWhoseBytesAreGone() {
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        String empty;
        String started;
        try (Registry first = Registry.builder().blobStore(new InMemoryBlobStore()).metadataStore(metadata).build()) {
            empty = first.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
            started = first.startUpload(ME, REPO, Optional.empty()).session().orElseThrow().id();
            first.appendUpload(ME, REPO, started, chunk(new byte[1000], 0));
        }
        // The staged writes are gone, as a store that writes nothing at stage() leaves them after a crash.
        try (Registry second = Registry.builder().blobStore(new InMemoryBlobStore()).metadataStore(metadata).build()) {
            assertThat(second.uploadStatus(ME, REPO, empty).offset()).isZero();
            byte[] data = "continued".getBytes(StandardCharsets.UTF_8);
            second.appendUpload(ME, REPO, empty, chunk(data, 0));
            var digest = DigestAlgorithm.SHA256.digest(data);
            assertThat(second.completeUpload(ME, REPO, empty, digest, UploadChunk.empty()).digest()).isEqualTo(digest);
            assertThat(second.statBlob(ME, REPO, digest)).isPresent();
            assertThat(metadata.upload(empty)).as("the finished session is gone").isEmpty();

            assertThatThrownBy(() -> second.uploadStatus(ME, REPO, started))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
            assertThat(metadata.upload(started)).isEmpty();
        }
    }
}
