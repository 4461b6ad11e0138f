package dev.wharf.core.storage;

import dev.wharf.core.contract.BlobStoreContract;
import dev.wharf.spi.BlobStore;

/** The blob store contract against {@link InMemoryBlobStore}. */
class InMemoryBlobStoreContractTest extends BlobStoreContract {
    @Override
    protected BlobStore openStore() {
        return new InMemoryBlobStore();
    }
}
