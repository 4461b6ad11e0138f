package dev.wharf.servlet;

import dev.wharf.api.Registry;

/** The HTTP workflow suite on Jetty 12 (ee10) with the default in-memory stores. */
class JettyInMemoryDistributionApiTest extends DistributionApiSuite {

    @Override
    protected RegistryServer startServer() throws Exception {
        return JettyRegistryServer.start(Registry.builder().build());
    }
}
