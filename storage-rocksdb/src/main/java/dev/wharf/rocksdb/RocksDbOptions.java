package dev.wharf.rocksdb;

import java.util.Objects;

/**
 * How {@link RocksDbMetadataStore#open(java.nio.file.Path, RocksDbOptions)} opens a store: immutable, each
 * {@code withX} method returns a copy with one setting changed, and a bad setting is refused when it is
 * made rather than when the store opens.
 *
 * <pre>{@code
 * RocksDbMetadataStore.open(dir, RocksDbOptions.defaults().withReadCacheBytes(64L << 20));
 * }</pre>
 */
public final class RocksDbOptions {
    private final boolean syncWrites;
    private final long readCacheBytes;
    private final boolean statistics;

    private RocksDbOptions(boolean syncWrites, long readCacheBytes, boolean statistics) {
        if (readCacheBytes < 0) {
            throw new IllegalArgumentException("readCacheBytes must not be negative: " + readCacheBytes);
        }
        this.syncWrites = syncWrites;
        this.readCacheBytes = readCacheBytes;
        this.statistics = statistics;
    }

    /**
     * Synced writes and a read cache of {@link RocksDbMetadataStore#defaultReadCacheBytes()}: what a
     * registry that must survive power loss uses.
     */
    public static RocksDbOptions defaults() {
        return new RocksDbOptions(true, RocksDbMetadataStore.defaultReadCacheBytes(), false);
    }

    /**
     * @param syncWrites true (the default): {@link RocksDbMetadataStore#sync()} waits until the change is in
     *                   the fsynced WAL, so it survives power loss; false: changes survive a process crash
     *                   but not a power loss, for tests and benchmarks that say so
     */
    public RocksDbOptions withSyncWrites(boolean syncWrites) {
        return new RocksDbOptions(syncWrites, readCacheBytes, statistics);
    }

    /**
     * @param readCacheBytes heap the cache of hot tags, manifests and blob links may hold, which serves pulls
     *                       and pushes' checks without reading RocksDB; 0 turns it off
     * @throws IllegalArgumentException if {@code readCacheBytes} is negative
     */
    public RocksDbOptions withReadCacheBytes(long readCacheBytes) {
        return new RocksDbOptions(syncWrites, readCacheBytes, statistics);
    }

    /** Collect RocksDB tickers (tests count WAL syncs with them); off by default, since they cost a little. */
    RocksDbOptions withStatistics(boolean statistics) {
        return new RocksDbOptions(syncWrites, readCacheBytes, statistics);
    }

    /** Whether a change is durable against power loss once {@code sync()} returns. */
    public boolean syncWrites() {
        return syncWrites;
    }

    /** The heap budget of the read cache, in bytes; 0 when it is off. */
    public long readCacheBytes() {
        return readCacheBytes;
    }

    boolean statistics() {
        return statistics;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocksDbOptions other && syncWrites == other.syncWrites
                && readCacheBytes == other.readCacheBytes && statistics == other.statistics;
    }

    @Override
    public int hashCode() {
        return Objects.hash(syncWrites, readCacheBytes, statistics);
    }

    @Override
    public String toString() {
        return "RocksDbOptions[syncWrites=" + syncWrites + ", readCacheBytes=" + readCacheBytes
                + (statistics ? ", statistics" : "") + "]";
    }
}
