package dev.wharf.bench.slow;

import dev.wharf.bench.http.Stats;

import java.util.Arrays;

/**
 * One kind of probe request over a phase: how many were sent, how many failed, and the latency percentiles
 * with every failure counted at the probe timeout (a request that failed fast, refused or reset, is no better
 * for its user than one that timed out). Percentiles are nearest-rank ({@link Stats#percentile}).
 *
 * @param requests   probes sent
 * @param failures   probes that did not get the expected answer, timeouts included
 * @param timeouts   probes that got no complete answer within the timeout
 * @param p50Millis  median latency, NaN when nothing was sent
 * @param p99Millis  99th percentile latency, NaN when nothing was sent
 * @param maxMillis  the slowest, NaN when nothing was sent
 */
public record LatencySummary(int requests, int failures, int timeouts, double p50Millis, double p99Millis,
                             double maxMillis) {

    /** Summarises {@code latencyNanos} (one per request, failures already at the timeout). */
    static LatencySummary of(long[] latencyNanos, int failures, int timeouts) {
        if (failures > latencyNanos.length || timeouts > failures) {
            throw new IllegalArgumentException(failures + " failures and " + timeouts + " timeouts in "
                    + latencyNanos.length + " requests");
        }
        if (latencyNanos.length == 0) {
            return new LatencySummary(0, 0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        return new LatencySummary(sorted.length, failures, timeouts, Stats.percentile(sorted, 50) / 1e6,
                Stats.percentile(sorted, 99) / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
