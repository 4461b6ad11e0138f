package dev.wharf.bench.jmh;

import dev.wharf.api.Caller;
import dev.wharf.servlet.limit.Rate;
import dev.wharf.servlet.limit.RateLimits;
import dev.wharf.servlet.limit.RateRefusal;
import dev.wharf.servlet.limit.RateRequest;
import dev.wharf.servlet.limit.TokenBucketLimiter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the built-in rate limiter costs a request it admits, as the servlet asks it: a request described, then
 * {@code admit}. Budgets of a billion reads a second, which no benchmark spends, so every request is admitted.
 * One client on one thread and on two (both cores charging one bucket, as when every connection of a load test
 * comes from one address), a thousand clients on two threads, and a limiter whose read budget is not limited (the
 * request is described and returns at once). Nanoseconds per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2)
public class RateLimiterBenchmark {
    private static final int CLIENTS = 1000;

    private TokenBucketLimiter limited;
    private TokenBucketLimiter readsUnlimited;
    private String[] addresses;

    @Setup
    public void setUp() {
        limited = TokenBucketLimiter.of(RateLimits.none().withRequests(Rate.perSecond(1_000_000_000L)));
        readsUnlimited = TokenBucketLimiter.of(RateLimits.none().withWrites(Rate.perSecond(1_000_000_000L)));
        addresses = new String[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            addresses[i] = "10.0." + (i >> 8) + "." + (i & 255);
        }
    }

    /** Where each thread is in the list of clients. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    private static RateRequest read(String address) {
        return new RateRequest(Caller.anonymous(), address, RateRequest.Kind.READ, RateRequest.NO_BODY);
    }

    @Benchmark
    public Optional<RateRefusal> oneClientOneThread() {
        return limited.admit(read("127.0.0.1"));
    }

    @Benchmark
    @Threads(2)
    public Optional<RateRefusal> oneClientTwoThreads() {
        return limited.admit(read("127.0.0.1"));
    }

    @Benchmark
    @Threads(2)
    public Optional<RateRefusal> thousandClientsTwoThreads(Cursor cursor) {
        cursor.next = (cursor.next + 1) % CLIENTS;
        return limited.admit(read(addresses[cursor.next]));
    }

    @Benchmark
    public Optional<RateRefusal> budgetNotLimited() {
        return readsUnlimited.admit(read("127.0.0.1"));
    }
}
