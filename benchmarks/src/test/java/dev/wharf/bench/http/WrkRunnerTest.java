package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WrkRunnerTest {
    private static final String CLEAN = """
            Running 20s test @ http://127.0.0.1:40123/v2/bench/small/manifests/latest
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.10ms    1.02ms  31.20ms   90.11%
                Req/Sec    15.60k     1.20k   18.00k    70.00%
              Latency Distribution
                 50%  950.00us
                 75%    2.40ms
                 90%    3.10ms
                 99%    8.50ms
              621000 requests in 20.00s, 900.12MB read
            Requests/sec:  31050.00
            Transfer/sec:     45.01MB
            """;

    @Test
    void shouldReadRateAndPercentilesWhenRunIsClean() {
        LoadResult r = WrkRunner.parse(CLEAN);
        assertThat(r.requests()).isEqualTo(621_000);
        assertThat(r.requestsPerSecond()).isEqualTo(31_050.0);
        assertThat(r.p50Millis()).isCloseTo(0.95, within(1e-9));
        assertThat(r.p99Millis()).isCloseTo(8.5, within(1e-9));
        assertThat(r.tool()).isEqualTo("wrk");
    }

    @Test
    void shouldFailWhenAnswersWereNot2xx() {
        String out = CLEAN.replace("Requests/sec", "  Non-2xx or 3xx responses: 17\nRequests/sec");
        assertThatThrownBy(() -> WrkRunner.parse(out)).isInstanceOf(BenchmarkFailure.class).hasMessageContaining("17");
    }

    @Test
    void shouldFailWhenSocketErrorsOccurred() {
        String out = CLEAN.replace("Requests/sec", "  Socket errors: connect 0, read 0, write 0, timeout 3\nRequests/sec");
        assertThatThrownBy(() -> WrkRunner.parse(out)).isInstanceOf(BenchmarkFailure.class)
                .hasMessageContaining("socket errors");
    }

    @Test
    void shouldFailWhenNoRequestCompleted() {
        String out = CLEAN.replace("621000 requests", "0 requests").replace("31050.00", "0.00");
        assertThatThrownBy(() -> WrkRunner.parse(out)).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldFailWhenOutputIsNotWrks() {
        assertThatThrownBy(() -> WrkRunner.parse("unable to connect")).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldConvertEveryTimeUnitWhenReadingLatency() {
        assertThat(WrkRunner.toMillis(250, "us")).isEqualTo(0.25);
        assertThat(WrkRunner.toMillis(2, "s")).isEqualTo(2000);
        assertThat(WrkRunner.toMillis(1, "m")).isEqualTo(60_000);
    }
}
