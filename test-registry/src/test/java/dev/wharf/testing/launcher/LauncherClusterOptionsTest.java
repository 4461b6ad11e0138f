package dev.wharf.testing.launcher;

import dev.wharf.api.RegistryConfig;
import dev.wharf.jdbc.JdbcMetadataStore;
import dev.wharf.jdbc.PostgresServer;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code --metadata} gives the engine, on a real PostgreSQL: the shared store, coordinating its nodes, with
 * the same scheduled collection as a registry of its own (nodes take turns through the store's lease).
 */
class LauncherClusterOptionsTest {

    @Test
    void shouldShareMetadataInPostgresAndCollectGarbageOnTheUsualSchedule(@TempDir Path dir) throws Exception {
        String url = PostgresServer.shared().newDatabase();
        try (TestRegistry node = TestRegistry.start(LauncherOptions.parse("--port", "0", "--metadata", url,
                "--data-dir", dir.resolve("node").toString()).registryOptions());
             TestRegistry alone = TestRegistry.start(LauncherOptions.parse("--port", "0", "--data-dir",
                     dir.resolve("alone").toString()).registryOptions())) {
            RegistryConfig config = node.registry().config();
            assertThat(config.metadataStore()).containsInstanceOf(JdbcMetadataStore.class);
            assertThat(config.metadataStore().orElseThrow().coordination()).as("nodes coordinate").isPresent();
            assertThat(config.gc().interval()).isEqualTo(alone.registry().config().gc().interval())
                    .isEqualTo(Duration.ofHours(1));
        }
    }
}
