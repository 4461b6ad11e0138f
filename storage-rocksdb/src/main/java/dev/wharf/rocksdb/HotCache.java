package dev.wharf.rocksdb;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToLongBiFunction;

/**
 * A bounded read cache for the pull hot path (tag to digest, digest to manifest bytes), kept coherent with
 * this process's writes, which are the only writes to the database.
 *
 * <p>Coherence without locks on the read path: a writer changes the database, then bumps its repository's
 * version, then removes the keys it changed. A reader notes the version, reads the database, and inserts
 * with {@link ConcurrentHashMap#compute} only if the version has not moved. Insert and remove of one key
 * are atomic with respect to each other, so a stale value either is never inserted (the version moved) or
 * is removed by the writer afterwards. Eviction only removes, so it cannot break coherence.
 *
 * <p>Bound: the summed weight of the entries stays within {@code maxWeight} plus what concurrent inserts
 * add while one thread evicts. Eviction removes entries in the map's hash order (arbitrary with respect to
 * use) until the weight is back under seven eighths of the bound, so the cache stays nearly full and a
 * working set larger than the bound still hits in proportion to the share it holds.
 *
 * @param <V> the cached value
 */
final class HotCache<V> {
    private static final int STRIPES = 64;

    private final ConcurrentHashMap<String, V> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
    private final AtomicLong weight = new AtomicLong();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private final long maxWeight;
    private final ToLongBiFunction<String, V> weigher;

    /**
     * @param maxWeight the bound on the summed weight; zero disables the cache
     * @param weigher   an entry's weight from its key and value (here: its approximate heap footprint)
     */
    HotCache(long maxWeight, ToLongBiFunction<String, V> weigher) {
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    private static int stripe(String repository) {
        return Math.floorMod(repository.hashCode(), STRIPES);
    }

    /** The version to pass to {@link #offer} after reading {@code repository}'s data. */
    long version(String repository) {
        return versions.get(stripe(repository));
    }

    V get(String key) {
        return entries.get(key);
    }

    /** Caches {@code value} unless {@code repository} changed since {@code version} was read. */
    void offer(String repository, String key, V value, long version) {
        long added = weigher.applyAsLong(key, value);
        if (maxWeight == 0 || added > maxWeight / 4) {
            return; // off, or one entry would flush a quarter of the cache
        }
        if (weight.get() + added > maxWeight) {
            evict();
        }
        entries.compute(key, (k, old) -> {
            if (old != null || versions.get(stripe(repository)) != version) {
                return old;
            }
            weight.addAndGet(added);
            return value;
        });
    }

    private void evict() {
        if (!evicting.compareAndSet(false, true)) {
            return; // another thread is making room
        }
        try {
            long target = maxWeight - maxWeight / 8;
            Iterator<Map.Entry<String, V>> it = entries.entrySet().iterator();
            while (weight.get() > target && it.hasNext()) {
                Map.Entry<String, V> e = it.next();
                if (entries.remove(e.getKey(), e.getValue())) {
                    weight.addAndGet(-weigher.applyAsLong(e.getKey(), e.getValue()));
                }
            }
        } finally {
            evicting.set(false);
        }
    }

    /** Call after writing {@code repository}'s data to the database, before acknowledging the write. */
    void changed(String repository) {
        versions.incrementAndGet(stripe(repository));
    }

    /** Drops one key (after {@link #changed}). */
    void invalidate(String key) {
        V removed = entries.remove(key);
        if (removed != null) {
            weight.addAndGet(-weigher.applyAsLong(key, removed));
        }
    }

    /** The summed weight of the cached entries (for tests). */
    long weight() {
        return weight.get();
    }

    /** How many entries are cached (for tests). */
    int size() {
        return entries.size();
    }
}
