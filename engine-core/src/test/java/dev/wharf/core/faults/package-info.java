/**
 * Storage faults injected at the store boundaries, for tests of what the engine and the HTTP layer answer
 * when a device fills up, fails or slows down: {@link dev.wharf.core.faults.FaultyBlobStore} and
 * {@link dev.wharf.core.faults.FaultyMetadataStore} wrap any store and let a test switch a
 * {@link dev.wharf.core.faults.StorageFault} on and off per kind of operation, while the registry keeps
 * running. Shipped in engine-core's test jar so the adapter's HTTP tests inject the same faults.
 */
package dev.wharf.core.faults;
