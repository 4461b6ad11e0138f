package dev.wharf.rocksdb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache's bound and eviction: it stays within its weight and keeps most of what fits. */
class HotCacheTest {
    private static HotCache<String> cache(long maxWeight) {
        return new HotCache<>(maxWeight, (key, value) -> value.length());
    }

    @Test
    void shouldStayWithinBoundWhileKeepingMostEntriesWhenOverfilled() {
        HotCache<String> cache = cache(10_000);
        for (int i = 0; i < 5_000; i++) {
            cache.offer("repo", "k" + i, "x".repeat(10), cache.version("repo"));
            assertThat(cache.weight()).isLessThanOrEqualTo(10_000);
        }
        // A full cache evicts an eighth at a time: it never drops to empty as a clear-all would.
        assertThat(cache.weight()).isGreaterThanOrEqualTo(10_000 - 10_000 / 8);
        assertThat(cache.size()).isBetween(870, 1_000);
    }

    @Test
    void shouldAccountWeightExactlyAcrossInsertsAndInvalidations() {
        HotCache<String> cache = cache(1_000);
        cache.offer("repo", "a", "12345", cache.version("repo"));
        cache.offer("repo", "b", "123", cache.version("repo"));
        cache.offer("repo", "a", "other value ignored: already cached", cache.version("repo"));
        assertThat(cache.weight()).isEqualTo(8);
        cache.changed("repo");
        cache.invalidate("a");
        cache.invalidate("missing");
        assertThat(cache.weight()).isEqualTo(3);
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isEqualTo("123");
    }

    @Test
    void shouldRefuseValueReadBeforeRepositoryChanged() {
        HotCache<String> cache = cache(1_000);
        long before = cache.version("repo");
        cache.changed("repo");
        cache.offer("repo", "tag", "stale", before);
        assertThat(cache.get("tag")).isNull();
        assertThat(cache.weight()).isZero();
    }

    @Test
    void shouldNotCacheEntryHeavierThanAQuarterOfTheBound() {
        HotCache<String> cache = cache(100);
        cache.offer("repo", "big", "x".repeat(26), cache.version("repo"));
        cache.offer("repo", "small", "x".repeat(25), cache.version("repo"));
        assertThat(cache.get("big")).isNull();
        assertThat(cache.get("small")).isNotNull();
    }

    @Test
    void shouldCacheNothingWithZeroBudget() {
        HotCache<String> cache = cache(0);
        cache.offer("repo", "k", "", cache.version("repo"));
        cache.offer("repo", "k2", "v", cache.version("repo"));
        assertThat(cache.size()).isZero();
    }
}
