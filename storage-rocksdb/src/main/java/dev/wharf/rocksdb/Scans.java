package dev.wharf.rocksdb;

import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Iterator range scans over {@link KeySchema} keys. Each scan uses one iterator, which reads a consistent
 * snapshot, and touches only the keys it returns (plus one to learn whether more follow): O(page).
 */
final class Scans {
    private Scans() {
    }

    /** A visitor of {@code repo \0 rest} keys. */
    interface Entry {
        void accept(RepositoryName repo, String rest, byte[] value);
    }

    /** True if any key in {@code family} starts with {@code prefix}, other than {@code except}. */
    static boolean anyWithPrefix(RocksDB db, ColumnFamilyHandle family, byte[] prefix, byte[] except) {
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seek(prefix); it.isValid() && KeySchema.startsWith(it.key(), prefix); it.next()) {
                if (except == null || !Arrays.equals(it.key(), except)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Up to {@code limit} items under {@code prefix} strictly after {@code after}, mapped from the key suffix. */
    static <T> Page<T> page(RocksDB db, ColumnFamilyHandle family, byte[] prefix, Optional<String> after, int limit,
                            Function<String, T> map) {
        return page(db, family, prefix, after, limit, (suffix, value) -> map.apply(suffix));
    }

    /** As {@link #page(RocksDB, ColumnFamilyHandle, byte[], Optional, int, Function)}, mapping key suffix and value. */
    static <T> Page<T> page(RocksDB db, ColumnFamilyHandle family, byte[] prefix, Optional<String> after, int limit,
                            BiFunction<String, byte[], T> map) {
        List<T> items = new ArrayList<>(Math.min(limit, 1024));
        try (RocksIterator it = db.newIterator(family)) {
            byte[] start = prefix;
            if (after.isPresent()) {
                byte[] a = KeySchema.bytes(after.get());
                start = Arrays.copyOf(prefix, prefix.length + a.length + 1);
                System.arraycopy(a, 0, start, prefix.length, a.length);
                start[start.length - 1] = 1; // just past "after" and everything under it
            }
            for (it.seek(start); it.isValid() && KeySchema.startsWith(it.key(), prefix); it.next()) {
                if (items.size() == limit) {
                    return new Page<>(items, true);
                }
                items.add(map.apply(KeySchema.partAfter(it.key(), prefix.length), it.value()));
            }
        }
        return new Page<>(items, false);
    }

    /** Visits every {@code repo \0 rest} key of {@code family}. */
    static void forEach(RocksDB db, ColumnFamilyHandle family, Entry visitor) {
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                String repo = KeySchema.partAfter(key, 0);
                String rest = KeySchema.string(key, repo.length() + 1, key.length);
                visitor.accept(RepositoryName.of(repo), rest, it.value());
            }
        }
    }
}
