/**
 * {@link dev.wharf.rocksdb.RocksDbMetadataStore}: Wharf's durable {@link dev.wharf.spi.MetadataStore} on
 * RocksDB, opened with {@link dev.wharf.rocksdb.RocksDbOptions}. Inside, one {@code Database} owns the RocksDB
 * instance and its native handles; one class per SPI role ({@code RocksDbRepositoryLinks},
 * {@code RocksDbManifests}, {@code RocksDbTags}, {@code RocksDbUploadSessions}, {@code RocksDbSearchIndex}) works
 * on it, and the public store composes them. The key schema is documented once, in {@code KeySchema} (the search
 * family's keys in {@code SearchKeys}); record encodings are the SPI's {@code RecordCodec}.
 */
package dev.wharf.rocksdb;
