package dev.wharf.bench.slow;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencySummaryTest {

    @Test
    void shouldTakeNearestRankPercentilesAndTheMaximumInMilliseconds() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L; // 100 ms down to 1 ms, unsorted on purpose
        }
        LatencySummary s = LatencySummary.of(nanos, 0, 0);
        assertThat(s.requests()).isEqualTo(100);
        assertThat(s.p50Millis()).isEqualTo(50.0);
        assertThat(s.p99Millis()).isEqualTo(99.0);
        assertThat(s.maxMillis()).isEqualTo(100.0);
    }

    @Test
    void shouldLetFailuresAtTheTimeoutDominateWhenMostRequestsFailed() {
        long timeout = 5_000_000_000L;
        LatencySummary s = LatencySummary.of(new long[] {timeout, 2_000_000L, timeout}, 2, 1);
        assertThat(s.p50Millis()).isEqualTo(5000.0);
        assertThat(s.p99Millis()).isEqualTo(5000.0);
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.timeouts()).isEqualTo(1);
    }

    @Test
    void shouldReportNothingSentAsNotANumber() {
        LatencySummary s = LatencySummary.of(new long[0], 0, 0);
        assertThat(s.requests()).isZero();
        assertThat(s.p50Millis()).isNaN();
    }

    @Test
    void shouldRefuseMoreFailuresThanRequests() {
        assertThatThrownBy(() -> LatencySummary.of(new long[1], 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySummary.of(new long[2], 1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
