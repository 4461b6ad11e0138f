/**
 * A {@link dev.wharf.spi.BlobStore} on the S3 API, for registries whose blobs live in object storage shared by
 * several Wharf nodes: {@link dev.wharf.s3.S3BlobStore}, configured by {@link dev.wharf.s3.S3Location} and
 * {@link dev.wharf.s3.S3BlobStore.Options}.
 */
package dev.wharf.s3;
