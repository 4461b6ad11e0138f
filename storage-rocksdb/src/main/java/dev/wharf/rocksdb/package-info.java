/**
 * {@link dev.wharf.rocksdb.RocksDbMetadataStore}: Wharf's durable {@link dev.wharf.spi.MetadataStore} on
 * RocksDB. The key schema is documented once, in {@link dev.wharf.rocksdb.KeySchema}; record encodings in
 * {@link dev.wharf.rocksdb.RecordCodec}.
 */
package dev.wharf.rocksdb;
