package dev.wharf.rocksdb;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writes go to the WAL without a per-write fsync; a thread that needs its writes durable
 * waits until one {@code SyncWAL} covering its sequence number has finished. Whoever finds no sync in
 * progress runs one for everything written so far, so N concurrent writers share one fsync instead of
 * paying N in a row.
 *
 * <p>Each waiting thread is woken once: when a sync ends, the threads it covered are released, and exactly
 * one of those still waiting (the oldest) is handed the next sync, which covers everything written meanwhile.
 * The others sleep on until a sync covers them. (Waking them all, as a condition's {@code signalAll} does,
 * woke most of them only to find their writes not yet covered and sleep again: two context switches per
 * write under load instead of one.)
 */
final class GroupCommit {
    private static final int WAITING = 0;
    private static final int DURABLE = 1;
    private static final int LEAD = 2;

    private final RocksDB db;
    /** Guards {@link #durable}, {@link #syncing} and {@link #waiting}; never held across a sync. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Highest sequence number known durable. */
    private long durable;
    /** True while a thread runs a sync or has been handed the next one. */
    private boolean syncing;
    /** Threads waiting for a sync to cover them, oldest first. */
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    /** The last sequence number each thread wrote and has not yet waited for. */
    private final ThreadLocal<long[]> pending = ThreadLocal.withInitial(() -> new long[1]);

    /** A thread waiting until {@link #target} is durable, or until it is handed the next sync. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final long target;
        volatile int state = WAITING;

        Waiter(long target) {
            this.target = target;
        }
    }

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
        awaitDurable(target);
        mine[0] = 0;
    }

    /**
     * Returns once every write so far, by any thread, is on disk. With no patience it joins the sync in progress
     * (or the next) as a writer does, so it usually costs no fsync of its own while others write. A reader with no
     * writes of its own to hurry (an event sink) gives some: it joins a sync in progress or the next one a writer
     * starts, and only after {@code patienceNanos} without one runs a sync itself. A reader that ran its own syncs
     * between the writers' would split their groups into more, smaller fsyncs, each a cost to the writers.
     */
    void awaitAllDurable(long patienceNanos) {
        long target = db.getLatestSequenceNumber();
        if (patienceNanos <= 0) {
            awaitDurable(target);
            return;
        }
        if (target == 0) {
            return;
        }
        Waiter waiter = new Waiter(target);
        lock.lock();
        try {
            if (durable >= target) {
                return;
            }
            waiting.add(waiter); // a sync that covers it releases it; one that ends before it hands it the next
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + patienceNanos;
        long left;
        boolean interrupted = false;
        while (waiter.state == WAITING && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(waiter, left);
            interrupted |= Thread.interrupted(); // kept for later, as park() does, so that parking still waits
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (waiter.state == WAITING) {
            boolean withdrawn;
            lock.lock();
            try {
                withdrawn = waiting.remove(waiter);
            } finally {
                lock.unlock();
            }
            if (withdrawn) {
                awaitDurable(target); // no writer synced meanwhile: sync as a writer would
                return;
            }
            park(waiter); // a sync took it off the list just now and is about to say which it is
        }
        if (waiter.state == LEAD) {
            sync();
        }
    }

    private void awaitDurable(long target) {
        if (target == 0) {
            return;
        }
        Waiter waiter = null;
        lock.lock();
        try {
            if (durable >= target) {
                return;
            }
            if (syncing) {
                waiter = new Waiter(target);
                waiting.add(waiter);
            } else {
                syncing = true;
            }
        } finally {
            lock.unlock();
        }
        if (waiter != null && park(waiter) == DURABLE) {
            return;
        }
        sync(); // the target precedes the sequence number the sync covers
    }

    /** Sleeps until the waiter is made durable or handed the next sync; keeps an interrupt for later. */
    private static int park(Waiter waiter) {
        boolean interrupted = false;
        int state;
        while ((state = waiter.state) == WAITING) {
            LockSupport.park(waiter);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return state;
    }

    /**
     * Runs one sync (the caller holds {@link #syncing}), releases the waiters it covered and hands the next
     * sync to the oldest one left. A failed sync covers nobody; the next waiter tries again.
     */
    private void sync() {
        long covered = db.getLatestSequenceNumber();
        RuntimeException failure = null;
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            failure = Database.failure("RocksDB WAL sync failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            failure = e;
        }
        List<Waiter> released = new ArrayList<>();
        Waiter next;
        lock.lock();
        try {
            if (failure == null) {
                durable = Math.max(durable, covered);
                for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    if (w.target <= durable) {
                        it.remove();
                        released.add(w);
                    }
                }
            }
            next = waiting.poll();
            syncing = next != null;
        } finally {
            lock.unlock();
        }
        if (next != null) { // first, so that the next sync starts as soon as it can
            next.state = LEAD;
            LockSupport.unpark(next.thread);
        }
        for (Waiter w : released) {
            w.state = DURABLE;
            LockSupport.unpark(w.thread);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
