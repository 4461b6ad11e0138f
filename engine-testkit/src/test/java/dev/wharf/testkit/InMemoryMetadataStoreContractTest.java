package dev.wharf.testkit;

import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.MetadataStore;

/** The metadata store contract against {@link InMemoryMetadataStore}. */
class InMemoryMetadataStoreContractTest extends MetadataStoreContract {
    @Override
    protected MetadataStore openStore() {
        return new InMemoryMetadataStore();
    }
}
