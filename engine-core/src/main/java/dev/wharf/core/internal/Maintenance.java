package dev.wharf.core.internal;

import dev.wharf.api.GcReport;
import dev.wharf.api.RegistryConfig;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry's background work on one daemon thread: expiring idle upload sessions (every quarter of the
 * expiry, at most every five minutes) and scheduled garbage collection (at the configured interval, if any).
 * A failing run is logged and retried at the next period.
 */
public final class Maintenance implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Maintenance.class.getName());

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-maintenance");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param expireUploads expires idle sessions durably, returning how many
     * @param collect       runs one garbage collection durably
     */
    public Maintenance(RegistryConfig config, IntSupplier expireUploads, Supplier<GcReport> collect) {
        long period = Math.max(1, Math.min(config.uploadExpiry().toSeconds() / 4, Duration.ofMinutes(5).toSeconds()));
        executor.scheduleWithFixedDelay(() -> {
            try {
                expireUploads.getAsInt();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "upload expiry failed; will retry", e);
            }
        }, period, period, TimeUnit.SECONDS);
        long gcMillis = config.gc().interval().toMillis();
        if (gcMillis > 0) {
            executor.scheduleWithFixedDelay(() -> {
                try {
                    GcReport report = collect.get();
                    if (report.blobsDeleted() + report.manifestsDeleted() > 0) {
                        LOG.info(() -> "garbage collection: " + report);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "garbage collection failed; will retry", e);
                }
            }, gcMillis, gcMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the background work; a run in progress is interrupted. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
