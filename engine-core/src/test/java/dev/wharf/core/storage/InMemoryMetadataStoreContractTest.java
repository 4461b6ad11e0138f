package dev.wharf.core.storage;

import dev.wharf.core.contract.MetadataStoreContract;
import dev.wharf.spi.MetadataStore;

/** The metadata store contract against {@link InMemoryMetadataStore}. */
class InMemoryMetadataStoreContractTest extends MetadataStoreContract {
    @Override
    protected MetadataStore openStore() {
        return new InMemoryMetadataStore();
    }
}
