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

/** What {@code --metadata} gives the engine, on a real PostgreSQL: the shared store, and no scheduled collection. */
class LauncherClusterOptionsTest {

    @Test
    void shouldShareMetadataInPostgresAndCollectNoGarbageOnASchedule(@TempDir Path dir) throws Exception {
        String url = PostgresServer.shared().newDatabase();
        try (TestRegistry node = TestRegistry.start(LauncherOptions.parse("--port", "0", "--metadata", url,
                "--data-dir", dir.resolve("node").toString()).registryOptions());
             TestRegistry alone = TestRegistry.start(LauncherOptions.parse("--port", "0", "--data-dir",
                     dir.resolve("alone").toString()).registryOptions())) {
            RegistryConfig config = node.registry().config();
            assertThat(config.metadataStore()).containsInstanceOf(JdbcMetadataStore.class);
            assertThat(config.gc().interval()).isEqualTo(Duration.ZERO);
            assertThat(alone.registry().config().gc().interval()).as("a registry of its own collects hourly")
                    .isEqualTo(Duration.ofHours(1));
        }
    }
}
