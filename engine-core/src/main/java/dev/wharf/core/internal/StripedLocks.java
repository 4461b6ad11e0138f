package dev.wharf.core.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A fixed set of read-write locks (and change counters) chosen by key hash. Used per digest, so that linking
 * a blob and garbage collection deleting it cannot interleave, and per repository: manifest pushes share a
 * repository's lock (the store's compare-and-set on tags decides between pushes that race), while deletes and
 * garbage collection hold it alone, so that what they check is what they change, and so that garbage
 * collection can tell whether a repository changed under it.
 */
public final class StripedLocks {
    private final ReentrantReadWriteLock[] locks;
    private final AtomicLongArray versions;

    public StripedLocks(int stripes) {
        locks = new ReentrantReadWriteLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
        versions = new AtomicLongArray(stripes);
    }

    private int stripe(Object key) {
        return Math.floorMod(key.hashCode(), locks.length);
    }

    /** {@code key}'s lock held alone: no other holder, shared or not. */
    Lock exclusive(Object key) {
        return locks[stripe(key)].writeLock();
    }

    /** {@code key}'s lock held together with other shared holders, apart from exclusive ones. */
    Lock shared(Object key) {
        return locks[stripe(key)].readLock();
    }

    /** Counts a change under {@code key}'s lock (shared or exclusive), before the lock is released. */
    void changed(Object key) {
        versions.incrementAndGet(stripe(key));
    }

    /**
     * The change count of {@code key}'s stripe; equal readings bracket a span with no change to the key. Read
     * under the exclusive lock, it counts every change that was made under the shared one.
     */
    long version(Object key) {
        return versions.get(stripe(key));
    }

    /** Runs {@code body} holding {@code key}'s lock exclusively. */
    <T> T with(Object key, Supplier<T> body) {
        Lock lock = exclusive(key);
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
