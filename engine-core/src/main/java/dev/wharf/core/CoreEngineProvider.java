package dev.wharf.core;

import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.spi.RegistryEngineProvider;

/** Registers {@link DefaultRegistry} with {@link dev.wharf.api.RegistryBuilder} through ServiceLoader. */
public final class CoreEngineProvider implements RegistryEngineProvider {
    @Override
    public Registry create(RegistryConfig config) {
        return new DefaultRegistry(config);
    }
}
