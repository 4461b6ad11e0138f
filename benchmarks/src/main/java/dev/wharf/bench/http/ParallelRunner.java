package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a fixed number of items (pushes, tag writes, mounts) on {@code clients} threads, each with its own
 * connection, and times the whole. Bounded: every item runs once, and the run is abandoned (a failure)
 * past its deadline. The first failing item stops the others.
 */
public final class ParallelRunner {
    private ParallelRunner() {
    }

    /** One unit of work, given the worker's client and the item's number. */
    @FunctionalInterface
    public interface Item {
        void run(RegistryClient client, int index);
    }

    /** Runs items {@code 0..count-1}; returns the elapsed wall time in nanoseconds. */
    public static long run(Target target, int clients, int count, long deadlineSeconds, int readTimeoutMillis,
                           Item item) {
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> {
            Thread t = new Thread(r, "bench-client");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    try (RegistryClient client = new RegistryClient(target, readTimeoutMillis)) {
                        int i;
                        while (!failed.get() && (i = next.getAndIncrement()) < count) {
                            item.run(client, i);
                        }
                    } catch (RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            long deadline = start + TimeUnit.SECONDS.toNanos(deadlineSeconds);
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof BenchmarkFailure bf ? bf
                            : new BenchmarkFailure("worker failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    failed.set(true);
                    throw new BenchmarkFailure(count + " items did not finish within " + deadlineSeconds + " s");
                }
            }
            return System.nanoTime() - start;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
