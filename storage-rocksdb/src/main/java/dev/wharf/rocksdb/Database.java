package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.spi.PendingEvents;
import dev.wharf.api.RegistryEvent;
import dev.wharf.rocksdb.KeySchema.Root;
import dev.wharf.spi.StorageException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The one owner of a metadata store's RocksDB instance: it opens the database with every {@link Family},
 * owns every long-lived native handle ({@link NativeHandles}), writes batches (feeding {@link GroupCommit}),
 * and closes everything once, in reverse order, after the calls in flight. The role classes share it by
 * composition.
 *
 * <p>Every access to the database runs inside {@link #guarded}: once {@link #close()} has run, a call fails
 * with an {@link IllegalStateException} instead of touching freed native memory (which would crash the JVM).
 * The data methods here ({@link #get}, {@link #has}, {@link #batch}, {@link #iterator}) expect to be called
 * inside a guarded call; with assertions on (as in tests) they check it.
 */
final class Database implements AutoCloseable {
    /** Block cache: keeps hot manifests and tags in memory while bounding native memory (and so RSS). */
    private static final long BLOCK_CACHE_BYTES = 16L * 1024 * 1024;
    /**
     * All memtables together: without a shared cap, nine column families could each hold two write buffers,
     * over 100 MiB of native memory for metadata that is mostly small.
     */
    private static final long TOTAL_WRITE_BUFFER_BYTES = 16L * 1024 * 1024;
    /** Bloom filter bits per key: point lookups (tags, links, manifests) skip files that lack the key. */
    private static final double BLOOM_BITS_PER_KEY = 10;
    /** Where {@link #valueLength} lets RocksDB copy nothing. */
    private static final byte[] NO_VALUE = new byte[0];
    /**
     * LZ4 rather than RocksDB's default Snappy: manifests are JSON and compress well either way, but a read
     * that misses the block cache decompresses a whole block, and LZ4 halves that cost (measured: a random
     * 1 KiB manifest read fell from about 14 to 7 µs).
     */
    private static final CompressionType COMPRESSION = CompressionType.LZ4_COMPRESSION;
    /**
     * Off: the leader of a RocksDB write group inserts the whole group into the memtables itself. With it on (the
     * default), every writer of a group inserts its own batch and then waits for the others, and with batches of a
     * few small keys from 16 concurrent pushes on two cores that hand-off cost more than the inserts: small-blob
     * pushes used 4-8 % less of the server's CPU without it (docs/benchmarks.md, 2026-12-02).
     */
    private static final boolean CONCURRENT_MEMTABLE_WRITES = false;
    /** Write buffer per column family: small, since metadata values are small and there are nine families. */
    private static final long WRITE_BUFFER_BYTES = 4L * 1024 * 1024;

    private final RocksDbUsageLedger usageLedger = new RocksDbUsageLedger(this);
    private final RocksDB db;
    private final Map<Family, ColumnFamilyHandle> families;
    /** WAL on, no per-write fsync: durability comes from {@link GroupCommit}. */
    private final WriteOptions writeOptions;
    /** Whether {@link #sync()} waits for the WAL to reach the disk. */
    private final boolean syncWrites;
    /** RocksDB tickers, when opened with statistics; else null. */
    private final Statistics statistics;
    private final NativeHandles handles;
    private final GroupCommit groupCommit;
    /** Calls hold the read lock; {@link #close()} takes the write lock, so it waits for them. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Set under {@link #lifecycle}'s write lock; volatile for {@link #checkOpen()}, which takes no lock. */
    private volatile boolean closed;

    private Database(RocksDB db, Map<Family, ColumnFamilyHandle> families, WriteOptions writeOptions,
                     boolean syncWrites, Statistics statistics, NativeHandles handles) {
        this.db = db;
        this.families = families;
        this.writeOptions = writeOptions;
        this.syncWrites = syncWrites;
        this.statistics = statistics;
        this.handles = handles;
        this.groupCommit = new GroupCommit(db);
    }

    /**
     * Opens (creating if needed) the database in {@code directory}, recording every native object it creates
     * in {@code handles}; on failure closes whatever it had created.
     *
     * @throws StorageException if the directory cannot be opened (in use by another process, corrupt, or of
     *                          another format version)
     */
    static Database open(Path directory, RocksDbOptions options, NativeHandles handles) {
        RocksDB.loadLibrary();
        try {
            Files.createDirectories(directory);
            Statistics statistics = options.statistics() ? handles.own(new Statistics()) : null;
            WriteBufferManager writeBuffers = handles.own(
                    new WriteBufferManager(TOTAL_WRITE_BUFFER_BYTES, handles.own(new LRUCache(0))));
            DBOptions dbOptions = handles.own(new DBOptions().setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true).setMaxBackgroundJobs(2).setWriteBufferManager(writeBuffers)
                    .setAllowConcurrentMemtableWrite(CONCURRENT_MEMTABLE_WRITES));
            if (statistics != null) {
                dbOptions.setStatistics(statistics);
            }
            LRUCache cache = handles.own(new LRUCache(BLOCK_CACHE_BYTES));
            BloomFilter bloom = handles.own(new BloomFilter(BLOOM_BITS_PER_KEY));
            BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom);
            ColumnFamilyOptions cfOptions = handles.own(new ColumnFamilyOptions().setTableFormatConfig(table)
                    .setWriteBufferSize(WRITE_BUFFER_BYTES).setCompressionType(COMPRESSION));
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (Family family : Family.values()) {
                descriptors.add(new ColumnFamilyDescriptor(family.onDiskName(), cfOptions));
            }
            List<ColumnFamilyHandle> opened = new ArrayList<>();
            RocksDB db;
            try {
                db = handles.own(RocksDB.open(dbOptions, directory.toString(), descriptors, opened));
            } finally {
                opened.forEach(handles::own); // recorded after the database, so closed before it
            }
            WriteOptions writeOptions = handles.own(new WriteOptions().setSync(false));
            Database database = new Database(db, byFamily(opened), writeOptions, options.syncWrites(), statistics,
                    handles);
            database.checkFormat(directory);
            return database;
        } catch (RocksDBException | IOException | RuntimeException e) {
            handles.closeAll(e);
            String reason = String.valueOf(e.getMessage());
            if (e instanceof RocksDBException && reason.contains("LOCK")) {
                // RocksDB's lock file: another process (or another store in this one) has the directory open.
                reason = "in use by another process or store (" + reason + ")";
            }
            throw new StorageException("cannot open metadata store in " + directory + ": " + reason, e);
        }
    }

    /** RocksDB hands back one handle per descriptor, in descriptor order: {@link Family} order. */
    private static Map<Family, ColumnFamilyHandle> byFamily(List<ColumnFamilyHandle> opened) {
        Map<Family, ColumnFamilyHandle> families = new EnumMap<>(Family.class);
        Iterator<ColumnFamilyHandle> handle = opened.iterator();
        for (Family family : Family.values()) {
            families.put(family, handle.next());
        }
        return families;
    }

    private void checkFormat(Path directory) {
        String expected = Integer.toString(KeySchema.FORMAT_VERSION);
        Optional<String> found = guarded(() -> get(KeySchema.SETTINGS, Root.ROOT, KeySchema.FORMAT_KEY));
        // A new directory, or an older version that needs the families RocksDB just created, filled if need be.
        if (found.isEmpty() || upgradable(found.get())) {
            guarded(() -> {
                if (found.isPresent()) {
                    new RocksDbSearchIndex(this).rebuild();
                    db.syncWal(); // the entries are durable before the version that says they are there
                }
                db.put(handle(Family.DEFAULT), writeOptions, KeySchema.SETTINGS.key(Root.ROOT, KeySchema.FORMAT_KEY),
                        KeySchema.SETTINGS.encode(expected));
                db.syncWal();
                return null;
            });
        } else if (!found.get().equals(expected)) {
            throw new IllegalStateException("metadata in " + directory + " has format version " + found.get()
                    + "; this Wharf reads " + expected + " and has no migration for it");
        }
    }

    private static boolean upgradable(String version) {
        for (int v = KeySchema.OLDEST_UPGRADABLE_VERSION; v < KeySchema.FORMAT_VERSION; v++) {
            if (version.equals(Integer.toString(v))) {
                return true;
            }
        }
        return false;
    }

    /** A read or write against the open database. */
    interface Call<T> {
        T run() throws RocksDBException;
    }

    /** Runs {@code call} against the open database; fails cleanly once closed. */
    <T> T guarded(Call<T> call) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return call.run();
        } catch (RocksDBException e) {
            throw failure("RocksDB: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Fails if the store is closed. For paths that answer without touching RocksDB (read-cache hits), so that
     * every call after {@link #close()} fails the same way.
     */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("metadata store is closed");
        }
    }

    <P, C, V> Optional<V> get(Column<P, C, V> column, P parent, C child) throws RocksDBException {
        return get(column, parent, child, column::decode);
    }

    /** The value under a key, decoded by {@code decode} instead of the column's codec (to decode only a part). */
    <P, C, V, T> Optional<T> get(Column<P, C, V> column, P parent, C child, Function<byte[], T> decode)
            throws RocksDBException {
        byte[] value = db.get(handle(column.family()), column.key(parent, child));
        return value == null ? Optional.empty() : Optional.of(decode.apply(value));
    }

    /** The length of the value under a key without copying it, or -1 if there is none. */
    <P, C, V> int valueLength(Column<P, C, V> column, P parent, C child) throws RocksDBException {
        int length = db.get(handle(column.family()), column.key(parent, child), NO_VALUE);
        return length == RocksDB.NOT_FOUND ? -1 : length;
    }

    <P, C, V> boolean has(Column<P, C, V> column, P parent, C child) throws RocksDBException {
        return db.get(handle(column.family()), column.key(parent, child)) != null;
    }

    /** RocksDB's latest sequence number: it rises with every key written and never falls, restarts included. */
    long latestSequenceNumber() {
        assert lifecycle.getReadHoldCount() > 0 : "database access outside a guarded call";
        return db.getLatestSequenceNumber();
    }

    /** A new, empty change; {@link Batch#commit()} writes it. */
    Batch batch() {
        return new Batch(this);
    }

    /** The quota usage counts kept in this database. */
    RocksDbUsageLedger usageLedger() {
        return usageLedger;
    }

    /** An iterator over one column; the caller closes it before its guarded call ends. */
    RocksIterator iterator(Column<?, ?, ?> column) {
        return db.newIterator(handle(column.family()));
    }

    ColumnFamilyHandle handle(Family family) {
        assert lifecycle.getReadHoldCount() > 0 : "database access outside a guarded call";
        return families.get(family);
    }

    /**
     * Writes one batch with the events of its change appended to the outbox. Numbers are handed out in a short
     * critical section and the batch is written outside it, so concurrent changes still share RocksDB's write
     * groups; a number is "in flight" until its batch is written, and readers see the log only up to the first
     * number still in flight ({@link #visibleEvents()}), so they never see a number before a smaller one that may
     * yet appear. A write that fails leaves its numbers unused: a gap, never a reuse. Tells {@code pending} the
     * numbers once written.
     */
    void write(WriteBatch batch, PendingEvents pending) throws RocksDBException {
        if (pending == null || pending.isEmpty()) {
            write(batch);
            return;
        }
        int n = pending.events().size();
        long first;
        synchronized (eventOrder) {
            first = lastEvent() + 1;
            lastEvent = first + n - 1;
            inFlight.add(first);
        }
        List<RegistryEvent> recorded = new ArrayList<>(n);
        try {
            long number = first;
            for (RegistryEvent event : pending.events()) {
                batch.put(handle(Family.EVENTS), KeySchema.EVENTS.key(Root.ROOT, number), RecordCodec.event(event));
                recorded.add(event.withSequence(number));
                number++;
            }
            write(batch);
            if (recentEventsWanted) { // before the numbers leave flight: readers may then see them
                for (RegistryEvent event : recorded) {
                    recentEvents.set(recentSlot(event.sequence()), RecordCodec.asRecorded(event, event.sequence()));
                }
            }
        } finally {
            synchronized (eventOrder) {
                inFlight.remove(first);
            }
        }
        pending.recorded(recorded);
    }

    /**
     * From now on, keep the latest {@value #RECENT_EVENTS} events written in memory for {@link #recentEvents}. Called
     * when a sink first reads the log ({@link RocksDbEventLog#awaitDurable}): a registry without one keeps none
     * (they would only lengthen its young collections).
     */
    void wantRecentEvents() {
        if (!recentEventsWanted) { // a sink calls this before each delivery: write the flag once, read it after
            recentEventsWanted = true;
        }
    }

    /**
     * The events numbered {@code from} to {@code to} as the outbox holds them, from memory: once a sink
     * {@linkplain #wantRecentEvents wants them}, the latest {@value #RECENT_EVENTS} written by this process are kept
     * there, so that a sink keeping up with the writers reads no RocksDB. Empty when one of them is not there
     * (written before this process opened the database or before a sink wanted them, overwritten by a later one,
     * trimmed, or a number a failed write gave up); the caller then reads the log. Read only numbers up to
     * {@link #visibleEvents()}.
     */
    Optional<List<RegistryEvent>> recentEvents(long from, long to) {
        if (to - from + 1 > RECENT_EVENTS) {
            return Optional.empty();
        }
        List<RegistryEvent> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        for (long sequence = from; sequence <= to; sequence++) {
            RegistryEvent event = recentEvents.get(recentSlot(sequence));
            if (event == null || event.sequence() != sequence) {
                return Optional.empty();
            }
            out.add(event);
        }
        return Optional.of(out);
    }

    /** Drops the events numbered up to {@code through} from memory, as they leave the log. */
    void forgetRecentEvents(long through) {
        for (int slot = 0; slot < RECENT_EVENTS; slot++) {
            RegistryEvent event = recentEvents.get(slot);
            if (event != null && event.sequence() <= through) {
                recentEvents.compareAndSet(slot, event, null); // a later event written there meanwhile stays
            }
        }
    }

    private static int recentSlot(long sequence) {
        return (int) (sequence & (RECENT_EVENTS - 1));
    }

    /** The highest event number a reader may see: every number up to it is written or given up. */
    long visibleEvents() throws RocksDBException {
        synchronized (eventOrder) {
            long last = lastEvent();
            return inFlight.isEmpty() ? last : inFlight.first() - 1;
        }
    }

    /**
     * The highest event number handed out, read from the database the first time (the last event's key, or the
     * number kept when the log was trimmed, whichever is higher). Hold {@link #eventOrder}.
     */
    long lastEvent() throws RocksDBException {
        if (lastEvent < 0) {
            long kept = get(KeySchema.SETTINGS, Root.ROOT, KeySchema.LAST_EVENT_KEY).map(Long::parseLong).orElse(0L);
            try (RocksIterator it = iterator(KeySchema.EVENTS)) {
                it.seekToLast();
                if (it.isValid()) {
                    kept = Math.max(kept, KeySchema.EVENTS.child(it.key()));
                }
            }
            lastEvent = kept;
        }
        return lastEvent;
    }

    /** Guards the numbering of events ({@link #write(WriteBatch, PendingEvents)}). */
    final Object eventOrder = new Object();
    /** Guarded by {@link #eventOrder}; -1 until read. */
    private long lastEvent = -1;
    /** The first number of each event-bearing batch being written. Guarded by {@link #eventOrder}. */
    private final java.util.TreeSet<Long> inFlight = new java.util.TreeSet<>();
    /**
     * How many of the latest events {@link #recentEvents} keeps: a power of two, about 1 MiB of heap. At 13,000
     * events a second (tag creation on two cores) 4,096 are the last 300 ms: a webhook waits up to 20 ms between
     * reads, and falls further behind only when its thread does not run for a while (1,024 measured 0.10 s of
     * delivery CPU per 22,000 events where 4,096 measured 0.08).
     */
    static final int RECENT_EVENTS = 4096;
    /** Whether {@link #write(WriteBatch, PendingEvents)} keeps events for {@link #recentEvents}. */
    private volatile boolean recentEventsWanted;
    /** The latest events written, each at its number modulo {@link #RECENT_EVENTS}. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<RegistryEvent> recentEvents =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(RECENT_EVENTS);

    /**
     * Returns once everything written so far is durable, whichever thread wrote it, through the group commit: a
     * sync that writers run anyway covers it, so a caller rarely costs an fsync of its own.
     */
    void syncEverything() {
        syncEverythingPatiently(0);
    }

    /**
     * {@link #syncEverything()} for a reader that has nothing of its own to hurry: it waits up to
     * {@code patienceNanos} for a writer's sync before running one (see {@link GroupCommit#awaitAllDurable}).
     */
    void syncEverythingPatiently(long patienceNanos) {
        if (syncWrites) {
            guarded(() -> {
                groupCommit.awaitAllDurable(patienceNanos);
                return null;
            });
        }
    }

    /** Writes one batch atomically, WAL on, and notes it for this thread's next {@link #sync()}. */
    void write(WriteBatch batch) throws RocksDBException {
        assert lifecycle.getReadHoldCount() > 0 : "database access outside a guarded call";
        db.write(writeOptions, batch);
        groupCommit.written();
    }

    /** Waits until this thread's changes are in the synced WAL (group commit); nothing without synced writes. */
    void sync() {
        if (syncWrites) {
            guarded(() -> {
                groupCommit.awaitDurable();
                return null;
            });
        }
    }

    /** A RocksDB checkpoint of the database in {@code target} (see {@link RocksDbMetadataStore#checkpoint}). */
    /** Compacts every family's whole key range, waiting for it. */
    void compact() {
        guarded(() -> {
            for (Family family : Family.values()) {
                db.compactRange(handle(family));
            }
            return null;
        });
    }

    void checkpoint(Path target) {
        guarded(() -> {
            try (Checkpoint checkpoint = Checkpoint.create(db)) {
                checkpoint.createCheckpoint(target.toString());
            }
            return null;
        });
    }

    /** A RocksDB ticker; needs {@link RocksDbOptions#withStatistics}. */
    long ticker(TickerType ticker) {
        if (statistics == null) {
            throw new IllegalStateException("opened without statistics");
        }
        return guarded(() -> statistics.getTickerCount(ticker));
    }

    /**
     * Waits for the calls in flight, then closes every native handle in reverse creation order: column
     * families, then the database, then the options they were opened with. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            handles.closeAll(null);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** A RocksDB failure as the SPI's exception: {@code FULL} when RocksDB ran out of space. */
    static StorageException failure(String message, RocksDBException e) {
        org.rocksdb.Status status = e.getStatus();
        boolean full = status != null && status.getSubCode() == org.rocksdb.Status.SubCode.NoSpace
                || String.valueOf(e.getMessage()).contains("No space left on device");
        return new StorageException(full ? StorageException.Condition.FULL : StorageException.Condition.FAILED,
                message, e);
    }
}
