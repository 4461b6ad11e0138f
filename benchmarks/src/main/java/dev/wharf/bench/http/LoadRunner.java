package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A closed-loop load generator in Java: {@code connections} threads, each with one keep-alive connection,
 * send the same request back to back for a warm-up period (discarded) and then a measured period, checking
 * every response. Used when {@code wrk} is not installed or not wanted. The client shares the machine's
 * cores with the server, and a Java client costs more CPU per request than wrk; compare like with like.
 */
public final class LoadRunner {
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private LoadRunner() {
    }

    public static LoadResult run(Target target, int connections, long warmupSeconds, long seconds, Request request,
                                 Consumer<Response> check) {
        if (warmupSeconds > 0) {
            phase(target, connections, warmupSeconds, request, check);
        }
        long[][] perThread = phase(target, connections, seconds, request, check);
        long total = Arrays.stream(perThread).mapToLong(a -> a.length).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (long[] a : perThread) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        if (total == 0) {
            throw new BenchmarkFailure("no request completed in " + seconds + " s");
        }
        Arrays.sort(all);
        return new LoadResult(total, total / (double) seconds, Stats.percentile(all, 50) / 1e6,
                Stats.percentile(all, 99) / 1e6, "java");
    }

    /** Runs the loop for {@code seconds}; returns each thread's latencies in nanoseconds. */
    private static long[][] phase(Target target, int connections, long seconds, Request request,
                                  Consumer<Response> check) {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(connections, r -> {
            Thread t = new Thread(r, "bench-load");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int c = 0; c < connections; c++) {
                futures.add(pool.submit(() -> {
                    LongList latencies = new LongList();
                    try (RegistryClient client = new RegistryClient(target, READ_TIMEOUT_MILLIS)) {
                        long now = System.nanoTime();
                        while (!stop.get() && now < end) {
                            Response r = client.send(request);
                            long done = System.nanoTime();
                            check.accept(r);
                            latencies.add(done - now);
                            now = done;
                        }
                    } catch (RuntimeException e) {
                        stop.set(true);
                        throw e;
                    }
                    return latencies.toArray();
                }));
            }
            long[][] out = new long[connections][];
            long deadline = end + TimeUnit.SECONDS.toNanos(READ_TIMEOUT_MILLIS / 1000 + 5);
            for (int c = 0; c < connections; c++) {
                try {
                    out[c] = futures.get(c).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof BenchmarkFailure bf ? bf
                            : new BenchmarkFailure("load client failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    stop.set(true);
                    throw new BenchmarkFailure("load clients did not stop after the measured period");
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A growable long array, so latencies cost no boxing. */
    private static final class LongList {
        private long[] values = new long[4096];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
