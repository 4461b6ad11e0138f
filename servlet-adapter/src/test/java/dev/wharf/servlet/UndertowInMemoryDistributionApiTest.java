package dev.wharf.servlet;

import dev.wharf.api.Registry;

/** The HTTP workflow suite on Undertow 2.3 with the default in-memory stores. */
class UndertowInMemoryDistributionApiTest extends DistributionApiSuite {

    @Override
    protected RegistryServer startServer() throws Exception {
        return UndertowRegistryServer.start(Registry.builder().build());
    }
}
