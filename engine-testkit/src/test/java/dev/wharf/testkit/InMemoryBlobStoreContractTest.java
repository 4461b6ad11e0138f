package dev.wharf.testkit;

import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.spi.BlobStore;

/** The blob store contract against {@link InMemoryBlobStore}. */
class InMemoryBlobStoreContractTest extends BlobStoreContract {
    @Override
    protected BlobStore openStore() {
        return new InMemoryBlobStore();
    }
}
