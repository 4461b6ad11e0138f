package dev.wharf.rocksdb;

import dev.wharf.api.Page;
import org.rocksdb.RocksIterator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Iterator range scans over a {@link Column}: the children of one parent, in key order. Each scan uses one
 * iterator, which reads a consistent snapshot, and touches only the keys it returns (plus one to learn
 * whether more follow): O(page). Call inside a {@link Database#guarded} call.
 */
final class Scans {
    private Scans() {
    }

    /** A visitor of a column's decoded keys and values. */
    interface Entry<P, C, V> {
        void accept(P parent, C child, V value);
    }

    /** Up to {@code limit} children of {@code parent}, strictly after the child text {@code after}. */
    static <P, C, V> Page<C> children(Database db, Column<P, C, V> column, P parent, Optional<String> after,
                                      int limit) {
        byte[] prefix = column.prefix(parent);
        return page(db, column, prefix, after, limit, it -> column.child(it.key(), prefix.length));
    }

    /** As {@link #children}, but the values under the keys. */
    static <P, C, V> Page<V> values(Database db, Column<P, C, V> column, P parent, Optional<String> after,
                                    int limit) {
        return page(db, column, column.prefix(parent), after, limit, it -> column.decode(it.value()));
    }

    /** Every child of {@code parent}, in key order. */
    static <P, C, V> List<C> allChildren(Database db, Column<P, C, V> column, P parent) {
        byte[] prefix = column.prefix(parent);
        List<C> out = new ArrayList<>();
        try (RocksIterator it = db.iterator(column)) {
            for (it.seek(prefix); it.isValid() && KeySchema.startsWith(it.key(), prefix); it.next()) {
                out.add(column.child(it.key(), prefix.length));
            }
        }
        return out;
    }

    /** True if {@code parent} has a child other than {@code except}. */
    static <P, C, V> boolean anyChildBut(Database db, Column<P, C, V> column, P parent, Optional<C> except) {
        byte[] prefix = column.prefix(parent);
        byte[] excluded = except.map(child -> column.key(parent, child)).orElse(null);
        try (RocksIterator it = db.iterator(column)) {
            for (it.seek(prefix); it.isValid() && KeySchema.startsWith(it.key(), prefix); it.next()) {
                if (excluded == null || !Arrays.equals(it.key(), excluded)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Visits every key of {@code column}, in key order. */
    static <P, C, V> void forEach(Database db, Column<P, C, V> column, Entry<P, C, V> visitor) {
        try (RocksIterator it = db.iterator(column)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                visitor.accept(column.parent(key), column.child(key), column.decode(it.value()));
            }
        }
    }

    private static <T> Page<T> page(Database db, Column<?, ?, ?> column, byte[] prefix, Optional<String> after,
                                    int limit, Function<RocksIterator, T> map) {
        List<T> items = new ArrayList<>(Math.min(limit, 1024));
        try (RocksIterator it = db.iterator(column)) {
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
                items.add(map.apply(it));
            }
        }
        return new Page<>(items, false);
    }
}
