package dev.wharf.core.faults;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which fault each kind of store operation meets right now, switched by the test while the registry runs,
 * and how many calls have met one since the last switch.
 *
 * @param <O> the store's kinds of operation
 */
final class FaultSwitch<O extends Enum<O>> {
    private final Map<O, StorageFault> faults = new ConcurrentHashMap<>();
    private final Object strikesChanged = new Object();
    private int strikes;

    /** From now on, every operation in {@code operations} meets {@code fault} (replacing what it met before). */
    void inject(StorageFault fault, Set<O> operations) {
        for (O operation : operations) {
            faults.put(operation, fault);
        }
        synchronized (strikesChanged) {
            strikes = 0;
        }
    }

    /** The device is healthy again: no operation meets a fault, and no call has met one. */
    void clear() {
        faults.clear();
        synchronized (strikesChanged) {
            strikes = 0;
        }
    }

    /** The fault {@code operation} meets now, if any. */
    Optional<StorageFault> faultOf(O operation) {
        return Optional.ofNullable(faults.get(operation));
    }

    /** Applies the fault {@code operation} meets, if any: throws or waits as the fault does. */
    void before(O operation) {
        faultOf(operation).ifPresent(fault -> strike(fault, operation));
    }

    /** Counts a call meeting {@code fault}, then applies it. */
    void strike(StorageFault fault, O operation) {
        synchronized (strikesChanged) {
            strikes++;
            strikesChanged.notifyAll();
        }
        fault.strike(operation.name());
    }

    /** Calls that have met a fault since the last {@link #inject} or {@link #clear}. */
    int strikes() {
        synchronized (strikesChanged) {
            return strikes;
        }
    }

    /** Waits until at least {@code count} calls have met a fault; false if that took longer than {@code timeout}. */
    boolean awaitStrikes(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (strikesChanged) {
            while (strikes < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                strikesChanged.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
