package dev.wharf.jdbc;

import dev.wharf.spi.MetadataStore;
import dev.wharf.testkit.MetadataStoreContract;
import org.junit.jupiter.api.BeforeAll;

/** The whole metadata store contract against {@link JdbcMetadataStore} on a real PostgreSQL, a database per case. */
class JdbcMetadataStoreContractTest extends MetadataStoreContract {
    private static PostgresServer server;
    private String url;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.shared();
    }

    @Override
    protected MetadataStore openStore() throws Exception {
        url = server.newDatabase();
        return JdbcMetadataStore.open(url, 8);
    }

    @Override
    protected MetadataStore reopenStore() {
        return JdbcMetadataStore.open(url, 8);
    }
}
