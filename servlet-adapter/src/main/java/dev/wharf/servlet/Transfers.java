package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bodies in flight without a thread of their own, and the {@link TransferLimits} they are held to: one
 * watcher thread per servlet looks at every transfer a few times per idle period and cuts those that stalled
 * or fell below the minimum rate; upload bodies take a {@link Slot} first, within the total and per-caller caps.
 */
final class Transfers implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RegistryServlet.class.getName());

    private final TransferLimits limits;
    private final boolean storageOffCallbackThreads;
    private final Set<Transfer> active = ConcurrentHashMap.newKeySet();
    private final AtomicInteger uploads = new AtomicInteger();
    private final Map<String, AtomicInteger> uploadsByCaller = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watcher;

    /**
     * @param limits                    what transfers are held to
     * @param storageOffCallbackThreads true where the container calls non-blocking listeners on its network I/O
     *                                  threads ({@link #callsBackOnIoThreads}): the store's work in a callback
     *                                  is then handed to a worker thread
     */
    Transfers(TransferLimits limits, boolean storageOffCallbackThreads) {
        this.limits = limits;
        this.storageOffCallbackThreads = storageOffCallbackThreads;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-transfer-watch");
            t.setDaemon(true);
            return t;
        });
        long tick = tickMillis(limits);
        watcher.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * True for Undertow, which calls {@code ReadListener} and {@code WriteListener} on the few threads that serve
     * all its connections' network I/O; a store call that waits there (a slow or stuck disk) would stall every
     * connection of that thread. Jetty and Tomcat call them on worker threads.
     */
    static boolean callsBackOnIoThreads(jakarta.servlet.ServletContext context) {
        String server = context.getServerInfo();
        return server != null && server.startsWith("Undertow");
    }

    /** Often enough to cut within a quarter of the shortest limit, never more than 20 times a second. */
    static long tickMillis(TransferLimits limits) {
        Duration shortest = limits.minimumDataRate() > 0 && limits.rateWindow().compareTo(limits.idleTimeout()) < 0
                ? limits.rateWindow() : limits.idleTimeout();
        return Math.max(50, Math.min(1000, shortest.toMillis() / 4));
    }

    TransferLimits limits() {
        return limits;
    }

    /** Transfers being watched now. */
    int active() {
        return active.size();
    }

    /**
     * Takes an upload slot for {@code caller} (a user name or an anonymous client's address).
     *
     * @throws RegistryException TOOMANYREQUESTS when the total or the caller's cap is reached
     */
    Slot reserveUpload(String caller) {
        if (uploads.incrementAndGet() > limits.maxUploads()) {
            uploads.decrementAndGet();
            throw new RegistryException(ErrorCode.TOOMANYREQUESTS, "the registry is receiving " + limits.maxUploads()
                    + " upload bodies, its limit; retry shortly", Map.of("limit", limits.maxUploads()));
        }
        AtomicInteger mine = uploadsByCaller.compute(caller, (k, v) -> {
            AtomicInteger count = v == null ? new AtomicInteger() : v;
            count.incrementAndGet();
            return count;
        });
        if (mine.get() > limits.maxUploadsPerCaller()) {
            release(caller);
            throw new RegistryException(ErrorCode.TOOMANYREQUESTS, "this client is already sending "
                    + limits.maxUploadsPerCaller() + " upload bodies, its limit; retry when one has finished",
                    Map.of("limit", limits.maxUploadsPerCaller()));
        }
        return new Slot(caller);
    }

    /** Gives back one upload place of {@code caller}'s. */
    private void release(String caller) {
        uploads.decrementAndGet();
        uploadsByCaller.computeIfPresent(caller, (k, v) -> v.decrementAndGet() == 0 ? null : v);
    }

    /** Starts watching {@code transfer} for stalls and slowness. */
    void watch(Transfer transfer) {
        transfer.started(System.nanoTime());
        active.add(transfer);
    }

    void unwatch(Transfer transfer) {
        active.remove(transfer);
    }

    /** Stops watching and cuts whatever is still in flight (the servlet is being destroyed). */
    @Override
    public void close() {
        watcher.shutdownNow();
        for (Transfer transfer : active) {
            cutQuietly(transfer, "the registry is shutting down");
        }
        active.clear();
    }

    private void check() {
        long now = System.nanoTime();
        for (Transfer transfer : active) {
            String why = transfer.tooSlow(now, limits);
            if (why != null) {
                active.remove(transfer);
                cutQuietly(transfer, why);
            }
        }
    }

    private static void cutQuietly(Transfer transfer, String why) {
        try {
            transfer.cut(why);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "cutting " + transfer + " failed");
        }
    }

    /** An upload body's place within the caps; closing it (idempotent) gives the place back. */
    final class Slot implements AutoCloseable {
        private final String caller;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String caller) {
            this.caller = caller;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(caller);
            }
        }
    }

    /**
     * A body moving without a thread of its own: it reports its progress, and the watcher asks it to end when it
     * is too slow. Callbacks and {@link #cut} may come from different threads; subclasses serialise them.
     */
    abstract static class Transfer {
        private Transfers owner;
        private AsyncContext async;
        private volatile long lastProgress;
        private volatile long bytes;
        private long windowStart;
        private long windowBytes;

        final void started(long now) {
            lastProgress = now;
            windowStart = now;
        }

        /** {@code n} more bytes moved; called by one thread at a time. */
        final void progressed(int n) {
            bytes += n;
            lastProgress = System.nanoTime();
        }

        final long bytes() {
            return bytes;
        }

        /** Why this transfer should be cut now, or null; called from the watcher thread only. */
        final String tooSlow(long now, TransferLimits limits) {
            long idle = now - lastProgress;
            if (idle >= limits.idleTimeout().toNanos()) {
                return "no data moved for " + TimeUnit.NANOSECONDS.toSeconds(idle) + " s (idle timeout "
                        + limits.idleTimeout().toSeconds() + " s)";
            }
            long window = limits.rateWindow().toNanos();
            if (limits.minimumDataRate() > 0 && now - windowStart >= window) {
                long moved = bytes - windowBytes;
                double seconds = (now - windowStart) / 1e9;
                if (moved < limits.minimumDataRate() * seconds) {
                    return String.format("%d bytes moved in the last %.0f s, below the minimum of %d bytes/s",
                            moved, seconds, limits.minimumDataRate());
                }
                windowStart = now;
                windowBytes = bytes;
            }
            return null;
        }

        /** Ends the transfer because it is too slow (or the server stops); {@code why} says which. */
        abstract void cut(String why);

        /**
         * Puts {@code request} in asynchronous mode with no container timeout (the watcher, not the container,
         * decides when a body is too slow) and starts watching this transfer. Called with the transfer's monitor
         * held, before its listener is set.
         */
        final void begin(Transfers transfers, HttpServletRequest request) {
            async = request.startAsync();
            async.setTimeout(0);
            owner = transfers;
            transfers.watch(this);
        }

        /**
         * Runs a callback's work, which calls the store: here, or on one of the container's worker threads where
         * callbacks come on its network I/O threads, so a slow store never holds one of those.
         */
        final void callStore(Runnable work) {
            if (owner.storageOffCallbackThreads) {
                async.start(work);
            } else {
                work.run();
            }
        }

        /** Stops watching this transfer and completes its request, unless the container already has. */
        final void finish() {
            owner.unwatch(this);
            try {
                async.complete();
            } catch (IllegalStateException alreadyEnded) {
                // the container ended the request first (the client went away)
            }
        }
    }
}
