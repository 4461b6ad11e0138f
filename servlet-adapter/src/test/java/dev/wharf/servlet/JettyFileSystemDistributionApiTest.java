package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.core.storage.FileSystemBlobStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The HTTP workflow suite on Jetty 12 (ee10) with blob bytes in a {@link FileSystemBlobStore}. */
class JettyFileSystemDistributionApiTest extends DistributionApiSuite {

    @TempDir
    static Path blobRoot;

    @Override
    protected RegistryServer startServer() throws Exception {
        return JettyRegistryServer.start(Registry.builder().blobStore(new FileSystemBlobStore(blobRoot)).build());
    }
}
