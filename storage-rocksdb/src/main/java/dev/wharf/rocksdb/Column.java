package dev.wharf.rocksdb;

import dev.wharf.rocksdb.KeySchema.Codec;
import dev.wharf.rocksdb.KeySchema.Part;

/**
 * A {@link Family} with the types of its keys and values: a key is a parent {@code P} and a child {@code C}
 * (the last key part), a value a {@code V}. The store reads and writes a family only through its column,
 * so every encoding is the one {@link KeySchema} defines.
 *
 * @param <P> the parent: the key parts before the last ({@link KeySchema.Root} for top-level keys)
 * @param <C> the child: the last key part, what a listing of one parent returns
 * @param <V> the value
 */
final class Column<P, C, V> {
    private final Family family;
    private final Part<P> parent;
    private final Part<C> child;
    private final Codec<V> value;

    Column(Family family, Part<P> parent, Part<C> child, Codec<V> value) {
        this.family = family;
        this.parent = parent;
        this.child = child;
        this.value = value;
    }

    Family family() {
        return family;
    }

    byte[] key(P parent, C child) {
        return KeySchema.join(this.parent.text().apply(parent), this.child.text().apply(child));
    }

    /** The prefix that every key under {@code parent} starts with. */
    byte[] prefix(P parent) {
        return KeySchema.prefix(this.parent.text().apply(parent));
    }

    /** The child of a key that starts with a prefix of {@code prefixLength} bytes. */
    C child(byte[] key, int prefixLength) {
        return child.parse().apply(KeySchema.partAfter(key, prefixLength));
    }

    /** The child of a key: its last part. */
    C child(byte[] key) {
        return child(key, KeySchema.childStart(key));
    }

    /** The parent of a key: the parts before its last. */
    P parent(byte[] key) {
        return parent.parse().apply(KeySchema.parentText(key));
    }

    byte[] encode(V v) {
        return value.encode().apply(v);
    }

    V decode(byte[] bytes) {
        return value.decode().apply(bytes);
    }

    @Override
    public String toString() {
        return family.toString();
    }
}
