/**
 * The engine's parts, one per resource, behind {@link dev.wharf.core.DefaultRegistry}: {@code Blobs} (read,
 * unlink), {@code UploadSessions}, {@code BlobIngest} (single-request push, mount) over {@code BlobPublisher},
 * {@code Manifests}, {@code Tags} (history, immutability, preconditions), {@code Referrers}, {@code Catalog},
 * {@code GarbageCollector}, and the shared {@code Errors} catalogue, {@code Access}, {@code Events},
 * {@code Durability} and {@code Maintenance}. Not an API: types here are public only so the facade in the
 * parent package can wire them; the module descriptor does not export this package and the build's
 * architecture rules forbid other modules from using it.
 */
package dev.wharf.core.internal;
