package dev.wharf.testing;

import dev.wharf.api.Registry;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.servlet.DistributionApiSuite;
import dev.wharf.servlet.JettyRegistryServer;
import dev.wharf.servlet.RegistryServer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The HTTP workflow suite on Jetty 12 (ee10) with the durable stores the launcher uses: metadata in
 * RocksDB with synced writes, blob bytes in a {@link FileSystemBlobStore}, both under one directory.
 */
class JettyRocksDbDistributionApiTest extends DistributionApiSuite {

    @TempDir
    static Path dataDirectory;

    @Override
    protected RegistryServer startServer() throws Exception {
        return JettyRegistryServer.start(Registry.builder()
                .metadataStore(RocksDbMetadataStore.open(dataDirectory.resolve("metadata")))
                .blobStore(new FileSystemBlobStore(dataDirectory))
                .build());
    }
}
