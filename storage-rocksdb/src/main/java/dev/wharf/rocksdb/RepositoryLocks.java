package dev.wharf.rocksdb;

import dev.wharf.api.RepositoryName;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-repository stripe locks for the store's read-modify-write steps (moving a tag reads its old target,
 * dropping an emptied repository checks what is left), shared by every role so that two changes to one
 * repository never interleave their reads and writes.
 */
final class RepositoryLocks {
    private static final int STRIPES = 64;

    private final Database database;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    RepositoryLocks(Database database) {
        this.database = database;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Runs {@code call} as a guarded database call while holding {@code repository}'s stripe. */
    <T> T locked(RepositoryName repository, Database.Call<T> call) {
        ReentrantLock lock = stripes[Math.floorMod(repository.hashCode(), STRIPES)];
        lock.lock();
        try {
            return database.guarded(call);
        } finally {
            lock.unlock();
        }
    }
}
