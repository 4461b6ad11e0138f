package dev.wharf.spi;

import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;

/**
 * How {@link dev.wharf.api.RegistryBuilder#build()} finds the engine: {@code engine-core} registers one
 * implementation in {@code META-INF/services}. Vendors do not normally implement this.
 */
public interface RegistryEngineProvider {
    /** A registry over the configured (or default) stores. */
    Registry create(RegistryConfig config);
}
