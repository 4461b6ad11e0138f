package dev.wharf.rocksdb;

import org.rocksdb.RocksObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The long-lived native objects of one {@link Database} (options, caches, the database, its column family
 * handles), recorded in creation order and closed in reverse: a handle is closed before what it depends
 * on. Objects that live for one call (batches, iterators, checkpoints) are closed by try-with-resources
 * where they are made and are not recorded.
 *
 * <p>The record outlives the close, so a test can hand in its own instance, open (or fail to open) a store,
 * close it, and check that {@link #open()} is empty: no native memory leaked.
 */
final class NativeHandles {
    private final List<RocksObject> created = new ArrayList<>();

    /** Records {@code handle} as created now; returns it. */
    synchronized <T extends RocksObject> T own(T handle) {
        created.add(handle);
        return handle;
    }

    /**
     * Closes every recorded handle, newest first. Closing is idempotent (a closed handle ignores a second
     * close), so this may run more than once. Failures are attached to {@code primary} if there is one.
     */
    synchronized void closeAll(Throwable primary) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                created.get(i).close();
            } catch (RuntimeException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                }
            }
        }
    }

    /** Every handle recorded so far, in creation order. */
    synchronized List<RocksObject> created() {
        return List.copyOf(created);
    }

    /** The recorded handles that still own native memory: empty once {@link #closeAll} has run. */
    synchronized List<RocksObject> open() {
        return created.stream().filter(RocksObject::isOwningHandle).toList();
    }
}
