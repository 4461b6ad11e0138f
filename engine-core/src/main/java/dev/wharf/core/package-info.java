/**
 * The registry engine: OCI Distribution semantics over the {@link dev.wharf.spi} stores.
 * {@link dev.wharf.core.DefaultRegistry} implements {@link dev.wharf.api.Registry}.
 */
package dev.wharf.core;
