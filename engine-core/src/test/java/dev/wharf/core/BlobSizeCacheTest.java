package dev.wharf.core;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.core.faults.FaultyBlobStore;
import dev.wharf.core.faults.StorageFault;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A blob HEAD through a repository that links the blob asks the blob store for its size once: with an object
 * store each ask is a round trip. The link is still checked in the metadata on every request.
 */
class BlobSizeCacheTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("sizes/app");
    private static final RepositoryName OTHER = RepositoryName.of("sizes/other");

    private final FaultyBlobStore blobs = new FaultyBlobStore(new InMemoryBlobStore());
    private final Registry registry = Registry.builder().blobStore(blobs).metadataStore(new InMemoryMetadataStore())
            .build();

    @Test
    void shouldAnswerASecondHeadWithoutTheBlobStoreWhenTheSizeWasSeen() {
        byte[] seen = "a layer whose size is asked twice".getBytes(StandardCharsets.UTF_8);
        byte[] unseen = "a layer never asked about".getBytes(StandardCharsets.UTF_8);
        Digest seenDigest = WritePathFaultTest.sha256(seen);
        Digest unseenDigest = WritePathFaultTest.sha256(unseen);
        registry.pushBlob(ME, APP, seenDigest, UploadChunk.of(seen));
        registry.pushBlob(ME, APP, unseenDigest, UploadChunk.of(unseen));
        assertThat(registry.statBlob(ME, APP, seenDigest)).contains(new BlobInfo(seenDigest, seen.length));

        blobs.inject(StorageFault.failed(), FaultyBlobStore.Operation.READ); // the store can no longer be read
        assertThat(registry.statBlob(ME, APP, seenDigest)).contains(new BlobInfo(seenDigest, seen.length));
        assertThat(blobs.strikes()).as("the second HEAD did not reach the store").isZero();
        assertThatThrownBy(() -> registry.statBlob(ME, APP, unseenDigest)).isInstanceOf(StorageException.class);
        blobs.clear();
    }

    @Test
    void shouldCheckTheLinkEveryTimeWhenTheSizeIsCached() {
        byte[] bytes = "a layer linked from one repository, then unlinked".getBytes(StandardCharsets.UTF_8);
        Digest digest = WritePathFaultTest.sha256(bytes);
        registry.pushBlob(ME, APP, digest, UploadChunk.of(bytes));
        assertThat(registry.statBlob(ME, APP, digest)).isPresent();

        assertThat(registry.statBlob(ME, OTHER, digest)).as("not linked there").isEmpty();
        registry.deleteBlob(ME, APP, digest);
        assertThat(registry.statBlob(ME, APP, digest)).as("unlinked").isEmpty();
        registry.pushBlob(ME, APP, digest, UploadChunk.of(bytes));
        assertThat(registry.statBlob(ME, APP, digest)).contains(new BlobInfo(digest, bytes.length));
    }
}
