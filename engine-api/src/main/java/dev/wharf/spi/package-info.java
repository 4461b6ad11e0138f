/**
 * Service-provider interfaces a {@link dev.wharf.api.Registry} is assembled from, each split by role:
 * where blob bytes live ({@link dev.wharf.spi.BlobStore} = {@link dev.wharf.spi.BlobReader} +
 * {@link dev.wharf.spi.BlobStaging}, with the optional {@link dev.wharf.spi.BlobDeletion} and
 * {@link dev.wharf.spi.BlobRedirects}), where everything else lives ({@link dev.wharf.spi.MetadataStore} =
 * {@link dev.wharf.spi.RepositoryLinks} + {@link dev.wharf.spi.ManifestStore} + {@link dev.wharf.spi.TagStore}
 * + {@link dev.wharf.spi.UploadSessionStore}), who may do what ({@link dev.wharf.spi.Authorizer}) and who
 * hears about changes ({@link dev.wharf.spi.RegistryListener}). Each contract is written on its interface and
 * checked by the contract kits of {@code engine-testkit}, which every implementation runs unchanged.
 * Stores fail with {@link dev.wharf.spi.StorageException} and report absence with {@code Optional}.
 * {@link dev.wharf.spi.ForwardingBlobStore} and {@link dev.wharf.spi.ForwardingMetadataStore} are the bases of
 * decorators that change one thing about a store and pass everything else through.
 */
package dev.wharf.spi;
