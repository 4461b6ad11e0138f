package dev.wharf.spi;

import dev.wharf.api.RepositoryName;

import java.time.Duration;

/**
 * The optional coordinating role of a {@link MetadataStore} that several registry nodes share, offered through
 * {@link MetadataStore#coordination()}: locks, change counts and leases that hold across every node using the
 * store, for what the engine otherwise holds apart within one process (a blob's publication against its
 * collection, a repository's deletes and garbage collection against its pushes, one garbage collection at a time).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #lock} gives a lock on a name across nodes: an exclusive holder excludes every other holder, shared
 *       holders exclude only exclusive ones. A lock is taken and released by one thread, like a
 *       {@link java.util.concurrent.locks.ReentrantReadWriteLock}'s; a thread may hold several (the engine takes
 *       them in one order everywhere). A holder that dies (its node crashes) releases its locks.</li>
 *   <li>{@link #version} counts the changes committed to a repository by any node, and never goes back, not even
 *       when the repository is emptied and created again.</li>
 *   <li>{@link #lease} gives a name to one holder at a time until a term runs out; a holder renews it by taking it
 *       again. Terms are measured by one clock for all nodes (the store's).</li>
 * </ul>
 */
public interface Coordination {

    /** A lock across nodes: taken and released by one thread. */
    interface Lock {
        /**
         * Blocks until the lock is held.
         *
         * @throws StorageException when the store cannot be reached
         */
        void lock();

        /**
         * Releases it.
         *
         * @throws IllegalMonitorStateException when this thread holds no lock of the store
         */
        void unlock();
    }

    /** The lock on {@code name} across every node sharing the store, held exclusively or shared. */
    Lock lock(String name, boolean exclusive);

    /** How many changes to {@code repository} the store has committed, on any node; 0 for one never changed. */
    long version(RepositoryName repository);

    /**
     * Takes the lease {@code name} for {@code holder} until {@code term} from now, if no other holder has it, or
     * renews it if {@code holder} has it.
     *
     * @return whether {@code holder} holds it now
     */
    boolean lease(String name, String holder, Duration term);

    /** Gives the lease up, if {@code holder} holds it; nothing otherwise. */
    void releaseLease(String name, String holder);
}
