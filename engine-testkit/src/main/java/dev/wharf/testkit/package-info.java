/**
 * Contract kits for the storage SPIs: abstract JUnit 5 test classes that every implementation runs unchanged.
 * A store module adds {@code dev.wharf:engine-testkit} at test scope and extends
 * {@link dev.wharf.testkit.MetadataStoreContract} or {@link dev.wharf.testkit.BlobStoreContract}, saying only
 * how to open (and, for durable stores, reopen) a store. Wharf's own stores (in-memory, filesystem, RocksDB)
 * are checked by these same classes.
 */
package dev.wharf.testkit;
