package dev.wharf.bench.http;

/**
 * The outcome of a fixed-duration load test.
 *
 * @param requests      responses received (all verified) in the measured period
 * @param requestsPerSecond requests / measured seconds
 * @param p50Millis     median latency
 * @param p99Millis     99th-percentile latency
 * @param tool          what generated the load ({@code wrk}, {@code java})
 */
public record LoadResult(long requests, double requestsPerSecond, double p50Millis, double p99Millis, String tool) {
}
