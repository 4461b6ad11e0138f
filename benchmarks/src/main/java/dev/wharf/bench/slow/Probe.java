package dev.wharf.bench.slow;

import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.HttpConnection;
import dev.wharf.bench.http.Request;
import dev.wharf.bench.http.Response;
import dev.wharf.bench.http.ResponseReader;
import dev.wharf.bench.http.Target;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What a new client sees while the slow clients hold the server: on its own thread, a blob HEAD and a
 * manifest GET by tag, alternating, at a fixed rate, each on a <em>new</em> connection (plain blocking
 * HTTP/1.1 with {@code Connection: close}). A new connection per request is the harsher test and the one
 * that matters: a server whose workers are all held by slow clients may still answer on a connection it
 * already serves, but it is new clients that find it unresponsive.
 *
 * <p>Each request has a hard timeout: a timer closes its socket when the time is up, whether it is still
 * connecting, writing or reading. A failed request (timeout, refused or reset connection, a status other
 * than 200) counts as a failure at the timeout ({@link LatencySummary}). A 200 with the wrong length or bytes
 * is a broken server and fails the run. One request is outstanding at a time: when one is late the slots it
 * overran are skipped, not sent in a burst afterwards, so a stalled server gets about one probe per timeout.
 */
final class Probe implements AutoCloseable {
    private final Target target;
    private final Expected head;
    private final Expected manifest;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final ScheduledExecutorService timer;
    private final byte[] scratch = new byte[64 * 1024];
    private final LongList headLatencies = new LongList();
    private final LongList manifestLatencies = new LongList();
    private final int[] failures = new int[2];
    private final int[] timeouts = new int[2];
    private Thread thread;
    private volatile BenchmarkFailure broken;
    private volatile boolean done;

    /**
     * A request the probe sends and what the answer must be.
     *
     * @param request the request ({@code Connection: close} is added)
     * @param length  the expected {@code Content-Length}
     * @param body    the expected body, or empty when only the length is checked (HEAD)
     */
    record Expected(Request request, long length, Optional<byte[]> body) {
    }

    /**
     * @param target        the server
     * @param head          the blob HEAD and the blob's size
     * @param manifest      the manifest GET and its bytes
     * @param ratePerSecond requests per second, both kinds together
     * @param timeoutNanos  the hard limit per request
     */
    Probe(Target target, Expected head, Expected manifest, double ratePerSecond, long timeoutNanos) {
        if (!(ratePerSecond > 0 && ratePerSecond <= 1000)) {
            throw new IllegalArgumentException("probe rate must be in (0, 1000] per second");
        }
        this.target = target;
        this.head = head;
        this.manifest = manifest;
        this.intervalNanos = (long) (1e9 / ratePerSecond);
        this.timeoutNanos = timeoutNanos;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "probe-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /** Starts probing on a new thread from {@code startNanos} until {@code stopNanos} ({@link System#nanoTime()}). */
    void start(long startNanos, long stopNanos) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> loop(startNanos, stopNanos), "probe-" + target.name());
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(long startNanos, long stopNanos) {
        try {
            sleepUntil(startNanos);
            long slot = 0;
            for (long sent = 0; ; sent++) {
                long due = startNanos + slot * intervalNanos;
                if (due - stopNanos >= 0) {
                    return;
                }
                sleepUntil(due);
                int kind = (int) (sent % 2); // by requests sent, not by slot: skipped slots must not skip a kind
                long latency = probe(kind == 0 ? head : manifest, kind);
                (kind == 0 ? headLatencies : manifestLatencies).add(latency);
                long late = System.nanoTime() - startNanos;
                slot = Math.max(slot + 1, (late + intervalNanos - 1) / intervalNanos);
            }
        } catch (BenchmarkFailure e) {
            broken = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop: what was measured stands
        } finally {
            done = true;
        }
    }

    /** Whether the probing thread has sent its last request and had its answer (or timeout). */
    boolean done() {
        return done;
    }

    /** One request; returns its latency, or the timeout when it failed. */
    private long probe(Expected expected, int kind) {
        long start = System.nanoTime();
        try {
            Response r = exchange(target, expected.request(), timeoutNanos, timer, scratch);
            long latency = System.nanoTime() - start;
            if (r.status() != 200) {
                failures[kind]++;
                return timeoutNanos;
            }
            check(expected, r);
            return latency;
        } catch (IOException e) {
            failures[kind]++;
            if (System.nanoTime() - start >= timeoutNanos) {
                timeouts[kind]++;
            }
            return timeoutNanos;
        }
    }

    private void check(Expected expected, Response r) {
        String what = expected.request().method() + " " + expected.request().target();
        String length = r.header("Content-Length").orElse("(none)");
        if (!length.equals(Long.toString(expected.length()))) {
            throw new BenchmarkFailure(target.name() + " answered probe " + what + " with Content-Length " + length
                    + ", not " + expected.length());
        }
        if (expected.body().isPresent() && !Arrays.equals(expected.body().get(), r.body())) {
            throw new BenchmarkFailure(target.name() + " answered probe " + what + " with other bytes than were pushed");
        }
    }

    /**
     * One request on a new connection, closed afterwards; the socket is closed by {@code timer} once
     * {@code timeoutNanos} have passed, so this never blocks longer than that (plus scheduling).
     */
    static Response exchange(Target target, Request request, long timeoutNanos, ScheduledExecutorService timer,
                             byte[] scratch) throws IOException {
        Request closing = request.header("Connection", "close");
        Socket socket = new Socket(); // closed here at the end, or by the alarm early, from the timer thread
        try {
            ScheduledFuture<?> alarm = timer.schedule(() -> closeQuietly(socket), timeoutNanos, TimeUnit.NANOSECONDS);
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
                socket.connect(new InetSocketAddress(target.host(), target.port()),
                        (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
                OutputStream out = socket.getOutputStream();
                out.write(HttpConnection.head(closing, target.host(), target.port()));
                out.flush();
                return ResponseReader.read(new BufferedInputStream(socket.getInputStream(), 16 * 1024),
                        request.method().equals("HEAD"), Optional.empty(), scratch).response();
            } finally {
                alarm.cancel(false);
            }
        } finally {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the probe thread sees the closed socket
        }
    }

    /**
     * Sends HEAD requests (new connection each, 100 ms apart) until one is answered 200 within the timeout,
     * or {@code capNanos} has passed; returns the seconds that took, or NaN when none was.
     */
    double secondsUntilAnswered(long capNanos) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < capNanos) {
            try {
                Response r = exchange(target, head.request(), Math.min(timeoutNanos, capNanos), timer, scratch);
                if (r.status() == 200) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        return Double.NaN;
    }

    /**
     * Waits for the probing thread (it stops by itself at its stop time, each request within the timeout);
     * if it has not ended by {@code deadlineNanos} it is interrupted and the run fails. Then the summaries.
     */
    Result finish(long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - System.nanoTime();
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(TimeUnit.NANOSECONDS.toMillis(2 * timeoutNanos) + 1000);
            throw new BenchmarkFailure("the probe of " + target.name() + " did not stop by its deadline");
        }
        if (broken != null) {
            throw broken;
        }
        return new Result(LatencySummary.of(headLatencies.toArray(), failures[0], timeouts[0]),
                LatencySummary.of(manifestLatencies.toArray(), failures[1], timeouts[1]));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Stops the timer; idempotent. The probing thread ends at its own stop time. */
    @Override
    public void close() {
        timer.shutdownNow();
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
        }
    }

    /**
     * The probe's findings over a phase.
     *
     * @param blobHead    the blob HEAD requests
     * @param manifestGet the manifest GET requests
     */
    record Result(LatencySummary blobHead, LatencySummary manifestGet) {
    }

    /** A growable long array, so latencies cost no boxing. */
    private static final class LongList {
        private long[] values = new long[256];
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
