package dev.wharf.rocksdb;

import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The store's pull-path cache: hot tags (tag to digest) and manifests (digest to bytes), each a
 * {@link HotCache}, filled by loaders that read RocksDB and invalidated by the store after each write.
 */
final class ReadCache {
    /** Tags whose digest is kept in memory: small entries, so many. */
    private static final long TAG_ENTRIES = 100_000;
    /** Manifest bytes kept in memory for GET by tag or digest; bounded to keep RSS predictable. */
    private static final long MANIFEST_BYTES = 8L * 1024 * 1024;

    private final HotCache<Digest> tags = new HotCache<>(TAG_ENTRIES, d -> 1);
    private final HotCache<Manifest> manifests = new HotCache<>(MANIFEST_BYTES, m -> m.size() + 128);

    Optional<Digest> tag(RepositoryName repo, Tag tag, Supplier<Optional<Digest>> load) {
        return cached(tags, repo.value(), repo.value() + '\0' + tag.value(), load);
    }

    Optional<Manifest> manifest(RepositoryName repo, Digest digest, Supplier<Optional<Manifest>> load) {
        return cached(manifests, repo.value(), repo.value() + '\0' + digest, load);
    }

    private static <V> Optional<V> cached(HotCache<V> cache, String repo, String key, Supplier<Optional<V>> load) {
        V hit = cache.get(key);
        if (hit != null) {
            return Optional.of(hit);
        }
        long version = cache.version(repo);
        Optional<V> found = load.get();
        found.ifPresent(v -> cache.offer(repo, key, v, version));
        return found;
    }

    /** After a write to {@code repo}: bump its version, then drop the keys the write changed. */
    void invalidate(String repo, Digest manifest, List<Tag> changedTags) {
        tags.changed(repo);
        manifests.changed(repo);
        for (Tag tag : changedTags) {
            tags.invalidate(repo + '\0' + tag.value());
        }
        if (manifest != null) {
            manifests.invalidate(repo + '\0' + manifest);
        }
    }
}
