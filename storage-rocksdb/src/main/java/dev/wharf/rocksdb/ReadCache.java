package dev.wharf.rocksdb;

import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The store's pull-path cache: hot tags (tag to digest), manifests (digest to bytes) and blob links (a
 * repository's link to a blob, present), each a {@link HotCache}, filled by loaders that read RocksDB and
 * invalidated by the store after each write. Links are cached only when present, so a new link changes nothing
 * cached and only an unlink invalidates.
 *
 * <p>A budget in bytes of heap bounds all three: a quarter for tags, an eighth for links, the rest for manifests.
 * Weights approximate heap footprints (key and value objects, map node), so the budget is what the cache costs
 * the heap.
 */
final class ReadCache {
    /** Per-entry overhead besides the key's characters: map node, key and value headers, digest objects. */
    private static final long TAG_OVERHEAD = 240;
    /** Per-entry overhead besides key characters and manifest bytes: map node, headers, digest, media type. */
    private static final long MANIFEST_OVERHEAD = 320;
    /** Per-entry overhead besides the key's characters: map node, key header (the value is a shared constant). */
    private static final long LINK_OVERHEAD = 120;

    private final HotCache<Digest> tags;
    private final HotCache<Manifest> manifests;
    private final HotCache<Boolean> links;

    /** @param budgetBytes heap the cache may hold; zero turns it off */
    ReadCache(long budgetBytes) {
        tags = new HotCache<>(budgetBytes / 4, (key, digest) -> TAG_OVERHEAD + key.length());
        links = new HotCache<>(budgetBytes / 8, (key, present) -> LINK_OVERHEAD + key.length());
        manifests = new HotCache<>(budgetBytes - budgetBytes / 4 - budgetBytes / 8,
                (key, m) -> MANIFEST_OVERHEAD + key.length() + m.size());
    }

    Optional<Digest> tag(RepositoryName repo, Tag tag, Supplier<Optional<Digest>> load) {
        return cached(tags, repo.value(), repo.value() + '\0' + tag.value(), load);
    }

    Optional<Manifest> manifest(RepositoryName repo, Digest digest, Supplier<Optional<Manifest>> load) {
        return cached(manifests, repo.value(), repo.value() + '\0' + digest, load);
    }

    /** Whether {@code repo} links {@code digest}: true from the cache, else as {@code load} reads it. */
    boolean linked(RepositoryName repo, Digest digest, BooleanSupplier load) {
        return cached(links, repo.value(), repo.value() + '\0' + digest,
                () -> load.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty()).isPresent();
    }

    /** After a write that removed {@code repo}'s link to {@code digest}: bump its version, then drop the link. */
    void unlinked(String repo, Digest digest) {
        links.changed(repo);
        links.invalidate(repo + '\0' + digest);
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
