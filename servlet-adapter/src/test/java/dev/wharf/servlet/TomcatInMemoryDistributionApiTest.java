package dev.wharf.servlet;

import dev.wharf.api.Registry;

/** The HTTP workflow suite on Tomcat 11 with the default in-memory stores. */
class TomcatInMemoryDistributionApiTest extends DistributionApiSuite {

    @Override
    protected RegistryServer startServer() throws Exception {
        return TomcatRegistryServer.start(Registry.builder().build());
    }
}
