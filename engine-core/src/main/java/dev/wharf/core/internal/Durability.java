package dev.wharf.core.internal;

import dev.wharf.spi.MetadataStore;

import java.util.function.Supplier;

/**
 * Makes a change durable before it is acknowledged: runs it, then waits until the metadata it wrote is
 * durable ({@link MetadataStore#sync()}), after the change has released its locks, so concurrent changes
 * share one flush (group commit). A failed change is synced too, for whatever it did write (a cancelled
 * upload session, say).
 */
public final class Durability {
    private final MetadataStore meta;

    public Durability(MetadataStore meta) {
        this.meta = meta;
    }

    /** Runs {@code change} and returns its result once what it wrote is durable. */
    public <T> T of(Supplier<T> change) {
        T result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            try {
                meta.sync();
            } catch (RuntimeException syncFailure) {
                e.addSuppressed(syncFailure);
            }
            throw e;
        }
        meta.sync();
        return result;
    }

    /** Runs {@code change} and returns once what it wrote is durable. */
    public void run(Runnable change) {
        of(() -> {
            change.run();
            return null;
        });
    }
}
