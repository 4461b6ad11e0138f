package dev.wharf.rocksdb;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import dev.wharf.spi.StorageException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writes go to the WAL without a per-write fsync; a thread that needs its writes durable
 * waits until one {@code SyncWAL} covering its sequence number has finished. Whoever finds no sync in
 * progress runs one for everything written so far, so N concurrent writers share one fsync instead of
 * paying N in a row.
 */
final class GroupCommit {
    private final RocksDB db;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition synced = lock.newCondition();
    /** Highest sequence number known durable. */
    private long durable;
    private boolean syncing;
    /** The last sequence number each thread wrote and has not yet waited for. */
    private final ThreadLocal<long[]> pending = ThreadLocal.withInitial(() -> new long[1]);

    GroupCommit(RocksDB db) {
        this.db = db;
    }

    /** Notes that this thread has just written (call right after each write). */
    void written() {
        pending.get()[0] = db.getLatestSequenceNumber();
    }

    /** Returns once this thread's writes are on disk. */
    void awaitDurable() {
        long[] mine = pending.get();
        long target = mine[0];
        if (target == 0) {
            return;
        }
        lock.lock();
        try {
            while (durable < target) {
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long covered = db.getLatestSequenceNumber();
                lock.unlock();
                RuntimeException failure = null;
                try {
                    db.syncWal();
                } catch (RocksDBException e) {
                    failure = Database.failure("RocksDB WAL sync failed: " + e.getMessage(), e);
                } finally {
                    lock.lock();
                    syncing = false;
                    if (failure == null) {
                        durable = Math.max(durable, covered);
                    }
                    synced.signalAll();
                }
                if (failure != null) {
                    throw failure;
                }
            }
            mine[0] = 0;
        } finally {
            lock.unlock();
        }
    }
}
