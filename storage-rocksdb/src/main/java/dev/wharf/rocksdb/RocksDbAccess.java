package dev.wharf.rocksdb;

import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

import dev.wharf.spi.StorageException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The plumbing under {@link RocksDbMetadataStore}: the open database and its column families, its ordered
 * close, the guard that makes calls after {@code close()} fail cleanly instead of touching freed native
 * memory, per-repository stripe locks for read-modify-write steps, batch writes feeding {@link GroupCommit},
 * and range scans.
 */
abstract class RocksDbAccess {
    private static final int LOCK_STRIPES = 64;

    final RocksDbHandles handles;
    final RocksDB db;
    final GroupCommit groupCommit;
    final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
    /** Guarded by {@link #lifecycle}'s write lock. */
    boolean closed;

    RocksDbAccess(RocksDbHandles handles) {
        this.handles = handles;
        this.db = handles.db;
        this.groupCommit = new GroupCommit(db);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    final ColumnFamilyHandle cf(String name) {
        return handles.families.get(KeySchema.FAMILIES.indexOf(name) + 1);
    }

    /** Runs a read or write against the open database; fails cleanly once closed. */
    final <T> T guarded(DbCall<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("metadata store is closed");
            }
            return call.run();
        } catch (RocksDBException e) {
            throw new StorageException("RocksDB: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    interface DbCall<T> {
        T run() throws RocksDBException;
    }

    final <T> T locked(RepositoryName repo, DbCall<T> call) {
        ReentrantLock lock = stripes[Math.floorMod(repo.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            return guarded(call);
        } finally {
            lock.unlock();
        }
    }

    final void write(WriteBatch batch) throws RocksDBException {
        db.write(handles.writeOptions, batch);
        groupCommit.written();
    }

    final boolean has(String family, byte[] key) throws RocksDBException {
        return db.get(cf(family), key) != null;
    }

    final <T> Page<T> scan(String family, byte[] prefix, Optional<String> after, int limit, Function<String, T> map) {
        return guarded(() -> Scans.page(db, cf(family), prefix, after, limit, map));
    }

    /** A page of the values under {@code prefix}, strictly after the key part {@code after}. */
    final <T> Page<T> scanValues(String family, byte[] prefix, Optional<String> after, int limit,
                                 Function<byte[], T> map) {
        return guarded(() -> Scans.page(db, cf(family), prefix, after, limit, (suffix, value) -> map.apply(value)));
    }

    /** Waits for in-flight calls, then releases native handles in reverse creation order. Idempotent. */
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            handles.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    final void forEach(String family, Scans.Entry visitor) {
        guarded(() -> {
            Scans.forEach(db, cf(family), visitor);
            return null;
        });
    }

}
