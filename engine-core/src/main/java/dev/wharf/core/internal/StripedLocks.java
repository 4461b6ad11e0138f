package dev.wharf.core.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A fixed set of locks (and change counters) chosen by key hash. Used per digest, so that linking a blob
 * and garbage collection deleting it cannot interleave, and per repository, so that manifest and tag
 * changes are serialised and garbage collection can tell whether a repository changed under it.
 */
public final class StripedLocks {
    private final ReentrantLock[] locks;
    private final AtomicLongArray versions;

    public StripedLocks(int stripes) {
        locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
        versions = new AtomicLongArray(stripes);
    }

    private int stripe(Object key) {
        return Math.floorMod(key.hashCode(), locks.length);
    }

    ReentrantLock lockFor(Object key) {
        return locks[stripe(key)];
    }

    /** Counts a change under {@code key}'s lock. */
    void changed(Object key) {
        versions.incrementAndGet(stripe(key));
    }

    /** The change count of {@code key}'s stripe; equal readings bracket a span with no change to the key. */
    long version(Object key) {
        return versions.get(stripe(key));
    }

    /** Runs {@code body} holding {@code key}'s lock. */
    <T> T with(Object key, Supplier<T> body) {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
