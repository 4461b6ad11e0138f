package dev.wharf.testing;

import dev.wharf.api.RegistryBuilder;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a {@link TestRegistry} is started with; immutable, so one set of settings can start any number of
 * registries (the JUnit extension starts one per class or per test from the same settings).
 *
 * @param host          the address Jetty binds
 * @param port          the TCP port, 0 for an ephemeral one
 * @param dataDirectory when present, metadata (RocksDB) and blob bytes live on disk there ({@link DataLayout});
 *                      in memory otherwise
 * @param engine        applied to the engine builder; stores it sets replace the data directory's
 */
record Settings(String host, int port, Optional<Path> dataDirectory, Consumer<RegistryBuilder> engine) {
    static final String DEFAULT_HOST = "127.0.0.1";

    static final Settings DEFAULTS = new Settings(DEFAULT_HOST, 0, Optional.empty(), builder -> { });

    Settings {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(engine, "engine");
    }

    Settings withHost(String newHost) {
        return new Settings(newHost, port, dataDirectory, engine);
    }

    Settings withPort(int newPort) {
        return new Settings(host, newPort, dataDirectory, engine);
    }

    Settings withDataDirectory(Path directory) {
        return new Settings(host, port, Optional.of(directory), engine);
    }

    /** Customisers accumulate: each runs after the ones given before it. */
    Settings withEngine(Consumer<RegistryBuilder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        return new Settings(host, port, dataDirectory, engine.andThen(customizer));
    }
}
