package dev.wharf.core.internal;

import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Coordination;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A fixed set of read-write locks (and change counters) chosen by key hash. Used per digest, so that linking
 * a blob and garbage collection deleting it cannot interleave, and per repository: manifest pushes share a
 * repository's lock (the store's compare-and-set on tags decides between pushes that race), while deletes and
 * garbage collection hold it alone, so that what they check is what they change, and so that garbage
 * collection can tell whether a repository changed under it.
 *
 * <p>When the metadata store is shared by several registry nodes ({@link Coordination}), each lock is also taken
 * across the nodes, after the local one (so a node's threads queue locally, and one of them at a time waits for
 * the other nodes), and a repository's version adds the store's count of its changes on every node.
 */
public final class StripedLocks {
    private final ReentrantReadWriteLock[] locks;
    private final AtomicLongArray versions;
    private final Optional<Coordination> coordination;
    private final String space;

    /** Locks within this process only. */
    public StripedLocks(int stripes) {
        this(stripes, Optional.empty(), "");
    }

    /**
     * Locks that also hold across the nodes of {@code coordination}, if present, named {@code space + ":" + key}.
     */
    public StripedLocks(int stripes, Optional<Coordination> coordination, String space) {
        locks = new ReentrantReadWriteLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
        versions = new AtomicLongArray(stripes);
        this.coordination = coordination;
        this.space = space;
    }

    private int stripe(Object key) {
        return Math.floorMod(key.hashCode(), locks.length);
    }

    /** {@code key}'s lock held alone: no other holder, shared or not. */
    Lock exclusive(Object key) {
        Lock local = locks[stripe(key)].writeLock();
        return coordination.<Lock>map(c -> new Both(local, c.lock(space + ":" + key, true))).orElse(local);
    }

    /** {@code key}'s lock held together with other shared holders, apart from exclusive ones. */
    Lock shared(Object key) {
        Lock local = locks[stripe(key)].readLock();
        return coordination.<Lock>map(c -> new Both(local, c.lock(space + ":" + key, false))).orElse(local);
    }

    /** Counts a change under {@code key}'s lock (shared or exclusive), before the lock is released. */
    void changed(Object key) {
        versions.incrementAndGet(stripe(key));
    }

    /**
     * The change count of {@code key}'s stripe; equal readings bracket a span with no change to the key. Read
     * under the exclusive lock, it counts every change that was made under the shared one. For a repository of a
     * shared store it adds the store's count of the repository's changes, which other nodes make too.
     */
    long version(Object key) {
        long local = versions.get(stripe(key));
        if (coordination.isPresent() && key instanceof RepositoryName repository) {
            return local + coordination.get().version(repository);
        }
        return local;
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

    /** The local lock, then the one across nodes; released in the reverse order. */
    private static final class Both implements Lock {
        private final Lock local;
        private final Coordination.Lock across;

        Both(Lock local, Coordination.Lock across) {
            this.local = local;
            this.across = across;
        }

        @Override
        public void lock() {
            local.lock();
            try {
                across.lock();
            } catch (RuntimeException | Error e) {
                local.unlock();
                throw e;
            }
        }

        @Override
        public void unlock() {
            try {
                across.unlock();
            } finally {
                local.unlock();
            }
        }

        @Override
        public void lockInterruptibly() {
            lock();
        }

        @Override
        public boolean tryLock() {
            throw new UnsupportedOperationException("lock() and unlock() only");
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) {
            throw new UnsupportedOperationException("lock() and unlock() only");
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("lock() and unlock() only");
        }
    }
}
