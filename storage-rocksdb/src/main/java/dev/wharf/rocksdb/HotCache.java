package dev.wharf.rocksdb;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ToLongFunction;

/**
 * A bounded read cache for the pull hot path (tag to digest, digest to manifest bytes), kept coherent with
 * this process's writes, which are the only writes to the database.
 *
 * <p>Coherence without locks on the read path: a writer changes the database, then bumps its repository's
 * version, then removes the keys it changed. A reader notes the version, reads the database, and inserts
 * with {@link ConcurrentHashMap#compute} only if the version has not moved. Insert and remove of one key
 * are atomic with respect to each other, so a stale value either is never inserted (the version moved) or
 * is removed by the writer afterwards.
 *
 * @param <V> the cached value
 */
final class HotCache<V> {
    private static final int STRIPES = 64;

    private final ConcurrentHashMap<String, V> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
    private final AtomicLong weight = new AtomicLong();
    private final long maxWeight;
    private final ToLongFunction<V> weigher;

    HotCache(long maxWeight, ToLongFunction<V> weigher) {
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
        if (weight.get() > maxWeight) {
            entries.clear(); // crude but bounded; the hot set refills it
            weight.set(0);
        }
        entries.compute(key, (k, old) -> {
            if (old != null || versions.get(stripe(repository)) != version) {
                return old;
            }
            weight.addAndGet(weigher.applyAsLong(value));
            return value;
        });
    }

    /** Call after writing {@code repository}'s data to the database, before acknowledging the write. */
    void changed(String repository) {
        versions.incrementAndGet(stripe(repository));
    }

    /** Drops one key (after {@link #changed}). */
    void invalidate(String key) {
        V removed = entries.remove(key);
        if (removed != null) {
            weight.addAndGet(-weigher.applyAsLong(removed));
        }
    }
}
