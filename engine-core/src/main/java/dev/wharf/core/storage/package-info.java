/**
 * Storage implementations that need nothing outside the JDK: in-memory blob and metadata stores (for
 * tests and throwaway registries) and {@link dev.wharf.core.storage.FileSystemBlobStore}, the durable
 * content-addressed blob store (temp file, fsync, atomic rename).
 */
package dev.wharf.core.storage;
