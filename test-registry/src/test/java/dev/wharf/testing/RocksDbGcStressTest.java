package dev.wharf.testing;

import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.servlet.GcStressSuite;
import dev.wharf.spi.MetadataStore;

import java.nio.file.Path;

/** The GC stress suite on the durable default: RocksDB metadata (synced, group commit) and filesystem blobs. */
class RocksDbGcStressTest extends GcStressSuite {
    @Override
    protected MetadataStore metadataStore(Path directory) {
        return RocksDbMetadataStore.open(directory);
    }
}
