/**
 * Service-provider interfaces a {@link dev.wharf.api.Registry} is assembled from: where blob bytes live
 * ({@link dev.wharf.spi.BlobStore}), where everything else lives ({@link dev.wharf.spi.MetadataStore}),
 * who may do what ({@link dev.wharf.spi.Authorizer}) and who hears about changes
 * ({@link dev.wharf.spi.RegistryListener}). Each contract is written on its interface; implementations in
 * {@code engine-core} and {@code storage-rocksdb} are checked by the same contract test suites.
 */
package dev.wharf.spi;
