package dev.wharf.rocksdb;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import dev.wharf.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The native side of a {@link RocksDbMetadataStore}: opens the database with its column families, tracks
 * every native object it creates and closes them in reverse order. Tuning constants live here, each with
 * its reason.
 */
final class RocksDbHandles {
    /** Block cache: keeps hot manifests and tags in memory while bounding native memory (and so RSS). */
    private static final long BLOCK_CACHE_BYTES = 16L * 1024 * 1024;
    /**
     * All memtables together: without a shared cap, nine column families could each hold two write buffers,
     * over 100 MiB of native memory for metadata that is mostly small.
     */
    private static final long TOTAL_WRITE_BUFFER_BYTES = 16L * 1024 * 1024;
    /** Bloom filter bits per key: point lookups (tags, links, manifests) skip files that lack the key. */
    private static final double BLOOM_BITS_PER_KEY = 10;
    /**
     * LZ4 rather than RocksDB's default Snappy: manifests are JSON and compress well either way, but a read
     * that misses the block cache decompresses a whole block, and LZ4 halves that cost (measured: a random
     * 1 KiB manifest read fell from about 14 to 7 µs).
     */
    private static final org.rocksdb.CompressionType COMPRESSION = org.rocksdb.CompressionType.LZ4_COMPRESSION;
    /** Write buffer per column family: small, since metadata values are small and there are nine families. */
    private static final long WRITE_BUFFER_BYTES = 4L * 1024 * 1024;

    final RocksDB db;
    /** Handles in {@code default} + {@link KeySchema#FAMILIES} order. */
    final List<ColumnFamilyHandle> families;
    /** WAL on, no per-write fsync: durability comes from {@link GroupCommit}. */
    final WriteOptions writeOptions;
    /** Whether {@link RocksDbMetadataStore#sync()} waits for the WAL to reach the disk. */
    final boolean syncWrites;
    /** RocksDB tickers, when opened with statistics (tests use them to count WAL syncs); else null. */
    final org.rocksdb.Statistics statistics;
    /** Every native object created, in creation order; closed in reverse. */
    private final List<AutoCloseable> owned;

    private RocksDbHandles(RocksDB db, List<ColumnFamilyHandle> families, WriteOptions writeOptions,
                           boolean syncWrites, org.rocksdb.Statistics statistics, List<AutoCloseable> owned) {
        this.statistics = statistics;
        this.db = db;
        this.families = families;
        this.writeOptions = writeOptions;
        this.syncWrites = syncWrites;
        this.owned = owned;
    }

    /**
     * Opens (creating if needed) the database in {@code directory}; on failure releases whatever it created.
     *
     * @throws StorageException if the directory cannot be opened (in use by another process, corrupt, or
     *                              of another format version)
     */
    static RocksDbHandles open(Path directory, boolean syncWrites) {
        return open(directory, syncWrites, false);
    }

    /** As {@link #open(Path, boolean)}, optionally collecting statistics. */
    static RocksDbHandles open(Path directory, boolean syncWrites, boolean withStatistics) {
        RocksDB.loadLibrary();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            org.rocksdb.Statistics statistics = withStatistics ? own(owned, new org.rocksdb.Statistics()) : null;
            org.rocksdb.WriteBufferManager writeBuffers = own(owned,
                    new org.rocksdb.WriteBufferManager(TOTAL_WRITE_BUFFER_BYTES, own(owned, new LRUCache(0))));
            DBOptions dbOptions = own(owned, new DBOptions().setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true).setMaxBackgroundJobs(2).setWriteBufferManager(writeBuffers));
            if (statistics != null) {
                dbOptions.setStatistics(statistics);
            }
            LRUCache cache = own(owned, new LRUCache(BLOCK_CACHE_BYTES));
            BloomFilter bloom = own(owned, new BloomFilter(BLOOM_BITS_PER_KEY));
            BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom);
            ColumnFamilyOptions cfOptions = own(owned, new ColumnFamilyOptions().setTableFormatConfig(table)
                    .setWriteBufferSize(WRITE_BUFFER_BYTES).setCompressionType(COMPRESSION));
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
            for (String name : KeySchema.FAMILIES) {
                descriptors.add(new ColumnFamilyDescriptor(KeySchema.bytes(name), cfOptions));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = own(owned, RocksDB.open(dbOptions, directory.toString(), descriptors, handles));
            owned.addAll(handles); // closed before the database (reverse order)
            WriteOptions writeOptions = own(owned, new WriteOptions().setSync(false));
            checkFormat(db, handles.get(0), writeOptions, directory);
            return new RocksDbHandles(db, List.copyOf(handles), writeOptions, syncWrites, statistics, owned);
        } catch (RocksDBException | IOException | RuntimeException e) {
            closeAll(owned, e);
            String reason = String.valueOf(e.getMessage());
            if (e instanceof RocksDBException && reason.contains("LOCK")) {
                // RocksDB's lock file: another process (or another store in this one) has the directory open.
                reason = "in use by another process or store (" + reason + ")";
            }
            throw new StorageException("cannot open metadata store in " + directory + ": " + reason, e);
        }
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T handle) {
        owned.add(handle);
        return handle;
    }

    private static void checkFormat(RocksDB db, ColumnFamilyHandle cf, WriteOptions wo, Path dir)
            throws RocksDBException {
        byte[] version = db.get(cf, KeySchema.FORMAT_KEY);
        if (version == null) {
            db.put(cf, wo, KeySchema.FORMAT_KEY, KeySchema.bytes(Integer.toString(KeySchema.FORMAT_VERSION)));
            db.syncWal();
            return;
        }
        String found = new String(version, StandardCharsets.UTF_8);
        if (!found.equals(Integer.toString(KeySchema.FORMAT_VERSION))) {
            throw new IllegalStateException("metadata in " + dir + " has format version " + found + "; this Wharf reads "
                    + KeySchema.FORMAT_VERSION + " and has no migration for it");
        }
    }

    /** Column families, then the database, then the options: reverse creation order. Do not rearrange. */
    void close() {
        closeAll(owned, null);
    }

    private static void closeAll(List<AutoCloseable> owned, Throwable primary) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                }
            }
        }
        owned.clear();
    }
}
