package dev.wharf.bench.slow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteBudgetTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 123_456_789L; // nanoTime values are arbitrary, not zero-based

    @ParameterizedTest
    @CsvSource({"262144,50,13107", "4,50,1", "1,1000,1", "20,50,1", "1000,50,50", "1048576,1,1048"})
    void shouldHoldOneTickWorthAtLeastOneByteWhenSized(long rate, long tickMillis, long capacity) {
        assertThat(ByteBudget.perTick(rate, tickMillis * MS)).isEqualTo(capacity);
        assertThat(new ByteBudget(rate, tickMillis * MS, T0).capacity()).isEqualTo(capacity);
    }

    @Test
    void shouldStartEmptyAndEarnOneTickWorthPerTick() {
        ByteBudget b = new ByteBudget(256 * 1024, 50 * MS, T0);
        assertThat(b.available()).isZero();
        assertThat(b.refill(T0 + 50 * MS)).isEqualTo(13107);
        b.spend(13107);
        assertThat(b.available()).isZero();
        assertThat(b.refill(T0 + 100 * MS)).isEqualTo(13107); // the 0.2 byte left over from the first tick is kept
    }

    @Test
    void shouldNeverLetAQuietSpellBuildABurst() {
        ByteBudget b = new ByteBudget(256 * 1024, 50 * MS, T0);
        assertThat(b.refill(T0 + 3_600_000 * MS)).isEqualTo(13107); // an hour idle: still one tick's worth
        b.spend(100);
        assertThat(b.refill(T0 + 3_600_000 * MS)).isEqualTo(13007); // no time passed, nothing earned
    }

    @Test
    void shouldAddFractionsUpToTheRateWhenSlowerThanAByteATick() {
        ByteBudget b = new ByteBudget(4, 50 * MS, T0);
        long moved = 0;
        for (int tick = 1; tick <= 200; tick++) { // ten seconds of 50 ms ticks
            long n = b.refill(T0 + tick * 50 * MS);
            b.spend(n);
            moved += n;
        }
        assertThat(moved).isEqualTo(40);
    }

    @Test
    void shouldMoveAtMostTheRateOverAnyIntervalWhenSpentEagerly() {
        ByteBudget b = new ByteBudget(256 * 1024, 50 * MS, T0);
        long moved = 0;
        long now = T0;
        // Irregular turns between 1 and 50 ms apart, never later than a tick.
        for (int i = 0; i < 1000; i++) {
            now += (1 + (i * 37L) % 50) * MS;
            long n = b.refill(now);
            b.spend(n);
            moved += n;
        }
        double seconds = (now - T0) / 1e9;
        assertThat(moved).isLessThanOrEqualTo((long) (256 * 1024 * seconds) + 1);
        assertThat(moved).isGreaterThan((long) (256 * 1024 * seconds * 0.999));
    }

    @Test
    void shouldRefuseToSpendMoreThanAvailable() {
        ByteBudget b = new ByteBudget(1000, 50 * MS, T0);
        b.refill(T0 + 50 * MS);
        assertThatThrownBy(() -> b.spend(51)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.spend(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseRatesAndTicksOutsideItsArithmetic() {
        assertThatThrownBy(() -> new ByteBudget(0, 50 * MS, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteBudget(ByteBudget.MAX_RATE + 1, 50 * MS, T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteBudget(100, 0, T0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteBudget(100, 2000 * MS, T0)).isInstanceOf(IllegalArgumentException.class);
        ByteBudget fastest = new ByteBudget(ByteBudget.MAX_RATE, ByteBudget.MAX_TICK_NANOS, T0);
        assertThat(fastest.refill(T0 + Long.MAX_VALUE / 2)).isEqualTo(ByteBudget.MAX_RATE);
    }
}
