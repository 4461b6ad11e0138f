package dev.wharf.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs a few tasks at once, released together so they really overlap, and bounded in time so a store that
 * deadlocks fails the case instead of hanging the build.
 */
final class Parallel {
    /** How many threads the concurrency cases use: enough to overlap, few enough for a small CI machine. */
    static final int THREADS = 4;
    private static final long TIMEOUT_SECONDS = 60;

    private Parallel() {
    }

    /** Runs {@code task(0..n-1)} on {@link #THREADS} threads and returns their results in task order. */
    static <T> List<T> run(int n, IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<T> body = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return body.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
