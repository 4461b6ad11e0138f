package dev.wharf.rocksdb;

import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ForwardingBlobStore;
import dev.wharf.testkit.BlobStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The blob store contract against {@link InlineBlobStore} with its default limit: the kit's small blobs are
 * stored inline and its large ones (hundreds of KiB) move to the filesystem store.
 */
class InlineBlobStoreContractTest extends BlobStoreContract {
    @TempDir
    Path dir;

    /** The limit the store under test is opened with. */
    int limit() {
        return InlineBlobStore.DEFAULT_MAX_INLINE_BYTES;
    }

    @Override
    protected BlobStore openStore() {
        return open(dir, limit());
    }

    @Override
    protected BlobStore reopenStore() {
        return open(dir, limit());
    }

    /** An inline store over a fresh filesystem store that also owns, and closes, its metadata store. */
    static BlobStore open(Path dir, int limit) {
        RocksDbMetadataStore meta = RocksDbMetadataStore.open(dir.resolve("metadata"));
        return new ForwardingBlobStore(meta.inlineBlobs(new FileSystemBlobStore(dir.resolve("files")), limit)) {
            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    meta.close();
                }
            }
        };
    }
}
