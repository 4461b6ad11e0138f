package dev.wharf.spring.boot;

import dev.wharf.api.RegistryBuilder;

/**
 * Adjusts the registry the starter builds, after the {@code wharf.*} properties are applied: quotas, webhooks,
 * listeners, upstreams, immutable tags, or another store. Declare one or more as beans; they run in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface RegistryBuilderCustomizer {

    /** Adds to or changes {@code builder}. */
    void customize(RegistryBuilder builder);
}
