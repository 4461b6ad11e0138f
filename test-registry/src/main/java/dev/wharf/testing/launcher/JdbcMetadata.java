package dev.wharf.testing.launcher;

import dev.wharf.jdbc.JdbcMetadataStore;

/**
 * The launcher's only door to the PostgreSQL metadata store, entered only when {@code --metadata jdbc:…} is given,
 * so that the driver and pool load only then.
 */
final class JdbcMetadata {
    private JdbcMetadata() {
    }

    /** Connects, creating or migrating the schema. */
    static JdbcMetadataStore open(String url) {
        return JdbcMetadataStore.open(url);
    }
}
