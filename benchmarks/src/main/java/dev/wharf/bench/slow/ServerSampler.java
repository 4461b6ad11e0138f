package dev.wharf.bench.slow;

import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.ProcStatus;
import dev.wharf.bench.http.ServerProcess;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the server process's thread count and resident set from /proc once a second, on its own daemon
 * thread, while a phase runs, and keeps the maxima. The Wharf launcher's count is every JVM thread (Jetty's
 * pool, JIT, GC); distribution's is its Go runtime's OS threads, not its goroutines.
 */
final class ServerSampler implements AutoCloseable {
    private final ServerProcess server;
    private final ScheduledExecutorService executor;
    private int maxThreads;
    private long maxRssKiB;
    private int firstThreads = -1;
    private long firstRssKiB = -1;
    private int samples;

    private ServerSampler(ServerProcess server) {
        this.server = server;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sampler-" + server.target().name());
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes a first sample now, then one a second until {@link #close()}. */
    static ServerSampler start(ServerProcess server) {
        ServerSampler s = new ServerSampler(server);
        s.sample();
        s.executor.scheduleAtFixedRate(s::sample, 1, 1, TimeUnit.SECONDS);
        return s;
    }

    private synchronized void sample() {
        if (!server.alive()) {
            return; // the phase reports the death; nothing to read
        }
        try {
            ProcStatus.Sample s = server.sample();
            if (samples == 0) {
                firstThreads = s.threads();
                firstRssKiB = s.rssKiB();
            }
            maxThreads = Math.max(maxThreads, s.threads());
            maxRssKiB = Math.max(maxRssKiB, s.rssKiB());
            samples++;
        } catch (BenchmarkFailure e) {
            // the process ended between the check and the read
        }
    }

    /** Takes a last sample and stops; returns the maxima. Idempotent. */
    synchronized Maxima finish() {
        sample();
        close();
        return new Maxima(firstThreads, maxThreads, firstRssKiB, maxRssKiB, samples);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /**
     * The first and the largest readings of a phase.
     *
     * @param threadsAtStart OS threads as the phase began (-1 when never read)
     * @param threads        OS threads, the most
     * @param rssKiBAtStart  resident set as the phase began, KiB (-1 when never read)
     * @param rssKiB         resident set, the most, KiB
     * @param samples        how many readings were taken
     */
    record Maxima(int threadsAtStart, int threads, long rssKiBAtStart, long rssKiB, int samples) {
    }
}
