/**
 * Storage implementations that need nothing outside the JDK: in-memory blob and metadata stores (for
 * tests and throwaway registries; {@link dev.wharf.core.storage.InMemoryBlobStore} keeps large blobs off the
 * heap, in temporary files whose names are removed at once) and
 * {@link dev.wharf.core.storage.FileSystemBlobStore}, the durable content-addressed blob store (temp file, fsync,
 * atomic rename).
 */
package dev.wharf.core.storage;
