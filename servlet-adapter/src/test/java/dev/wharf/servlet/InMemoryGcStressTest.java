package dev.wharf.servlet;

import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.MetadataStore;

import java.nio.file.Path;

/** The GC stress suite with in-memory metadata and filesystem blobs. */
class InMemoryGcStressTest extends GcStressSuite {
    @Override
    protected MetadataStore metadataStore(Path directory) {
        return new InMemoryMetadataStore();
    }
}
