package dev.wharf.rocksdb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options a store opens with: defaults, copies that change one setting, and validation. */
class RocksDbOptionsTest {
    @Test
    void shouldSyncWritesAndSizeTheCacheFromTheHeapByDefault() {
        RocksDbOptions defaults = RocksDbOptions.defaults();
        assertThat(defaults.syncWrites()).isTrue();
        assertThat(defaults.readCacheBytes()).isEqualTo(RocksDbMetadataStore.defaultReadCacheBytes());
        assertThat(defaults.statistics()).isFalse();
    }

    @Test
    void shouldChangeOneSettingPerCopyAndLeaveTheOriginalAlone() {
        RocksDbOptions defaults = RocksDbOptions.defaults();
        RocksDbOptions unsynced = defaults.withSyncWrites(false);
        RocksDbOptions small = unsynced.withReadCacheBytes(4096);
        assertThat(unsynced.syncWrites()).isFalse();
        assertThat(unsynced.readCacheBytes()).isEqualTo(defaults.readCacheBytes());
        assertThat(small.syncWrites()).isFalse();
        assertThat(small.readCacheBytes()).isEqualTo(4096);
        assertThat(defaults).isEqualTo(RocksDbOptions.defaults()).isNotEqualTo(unsynced);
        assertThat(defaults.syncWrites()).isTrue();
        assertThat(small.withStatistics(true).statistics()).isTrue();
        assertThat(small.withStatistics(true).readCacheBytes()).isEqualTo(4096);
    }

    @Test
    void shouldAcceptZeroToTurnTheCacheOff() {
        assertThat(RocksDbOptions.defaults().withReadCacheBytes(0).readCacheBytes()).isZero();
    }

    @Test
    void shouldRefuseNegativeCacheBudgetWhenSet() {
        assertThatThrownBy(() -> RocksDbOptions.defaults().withReadCacheBytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readCacheBytes").hasMessageContaining("-1");
    }
}
