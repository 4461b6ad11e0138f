package dev.wharf.core.faults;

import dev.wharf.spi.StorageException;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a store call meets instead of a healthy device. A failing fault ({@link #full()}, {@link #failed()})
 * throws the {@link StorageException} a real store would; a slow one ({@link #slow(Duration)},
 * {@link #hung(CountDownLatch)}) delays the call and then lets it through. The messages name the injection, so
 * a test can check that they never reach a client.
 */
public final class StorageFault {
    /** The longest a {@link #hung} call waits for its release, so a failing test cannot hang the build. */
    private static final Duration HUNG_AT_MOST = Duration.ofSeconds(30);

    private enum Kind { FULL, FAILED, SLOW, HUNG }

    private final Kind kind;
    private final Duration delay;
    private final CountDownLatch release;

    private StorageFault(Kind kind, Duration delay, CountDownLatch release) {
        this.kind = kind;
        this.delay = delay;
        this.release = release;
    }

    /** No space left on the device: a {@link StorageException.Condition#FULL} failure, as ENOSPC reads. */
    public static StorageFault full() {
        return new StorageFault(Kind.FULL, Duration.ZERO, null);
    }

    /** An I/O error: a {@link StorageException.Condition#FAILED} failure, as EIO reads. */
    public static StorageFault failed() {
        return new StorageFault(Kind.FAILED, Duration.ZERO, null);
    }

    /** A slow device: each call waits {@code perCall}, then succeeds. */
    public static StorageFault slow(Duration perCall) {
        return new StorageFault(Kind.SLOW, Objects.requireNonNull(perCall, "perCall"), null);
    }

    /**
     * A device that does not answer until {@code release} is counted down (at most 30 seconds), then succeeds:
     * lets a test hold a write in the store for exactly as long as it needs to look at everything else.
     */
    public static StorageFault hung(CountDownLatch release) {
        return new StorageFault(Kind.HUNG, Duration.ZERO, Objects.requireNonNull(release, "release"));
    }

    /** True for a full device, the failure a registry can name ({@code STORAGE_FULL}). */
    public boolean isFull() {
        return kind == Kind.FULL;
    }

    /** True if a call meeting this fault fails (rather than being delayed). */
    public boolean fails() {
        return kind == Kind.FULL || kind == Kind.FAILED;
    }

    /**
     * Applies the fault to the call named {@code operation}: throws for a failing device, waits for a slow
     * one and returns.
     */
    void strike(String operation) {
        switch (kind) {
            case FULL -> throw new StorageException(StorageException.Condition.FULL,
                    "No space left on device (injected at " + operation + ")", null);
            case FAILED -> throw new StorageException(StorageException.Condition.FAILED,
                    "Input/output error (injected at " + operation + ")", null);
            case SLOW -> pause(() -> Thread.sleep(delay.toMillis()));
            case HUNG -> pause(() -> release.await(HUNG_AT_MOST.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private interface Wait {
        void run() throws InterruptedException;
    }

    private static void pause(Wait wait) {
        try {
            wait.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while the device was slow", e);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FULL -> "full";
            case FAILED -> "failed";
            case SLOW -> "slow(" + delay.toMillis() + " ms)";
            case HUNG -> "hung";
        };
    }
}
