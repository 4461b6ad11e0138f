package dev.wharf.servlet.limit;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One budget's arithmetic, the same for every client, over a cell each client keeps: the token bucket in its
 * lock-free form (the generic cell rate algorithm). A cell holds the bucket's <em>theoretical arrival time</em>:
 * the instant, in nanoseconds on the limiter's clock, at which the bucket would be full again if nothing more were
 * spent. A cell at or before now is a full bucket; one {@code capacity} past now is an empty one; further past,
 * the bucket is overdrawn. Spending {@code n} tokens moves it {@code n} token-times later; time refills it by
 * itself. One compare-and-set per spend, no lock, so clients (and one client's concurrent requests) never wait
 * for each other.
 *
 * <p>A spend of more tokens than the burst (a body larger than the byte budget's burst) is allowed once the bucket
 * is full, and overdraws it by the difference: the client's next spend waits until the debt is paid back.
 */
final class TokenBucket {
    private final Rate rate;
    /** The time the whole burst takes to come back: how far past now the cell may be. */
    private final long capacityNanos;

    TokenBucket(Rate rate) {
        this.rate = rate;
        this.capacityNanos = rate.nanosFor(rate.burst());
    }

    /**
     * Spends {@code cost} tokens from the bucket in {@code cells[i]} if it holds them (all of its burst when the
     * cost is larger), or, for a cost of 0, only checks that the bucket is not overdrawn.
     *
     * @return 0 when spent; else the nanoseconds until it would be, and nothing is spent
     */
    long take(AtomicLongArray cells, int i, long cost, long now) {
        long need = rate.nanosFor(Math.min(cost, rate.burst()));
        long spend = cost <= rate.burst() ? need : rate.nanosFor(cost);
        while (true) {
            long tat = cells.get(i);
            long base = Math.max(tat, now);
            long wait = base + need - now - capacityNanos;
            if (wait > 0) {
                return wait;
            }
            if (spend == 0 || cells.compareAndSet(i, tat, bounded(base + spend, now))) {
                return 0;
            }
        }
    }

    /** Spends {@code cost} tokens whether the bucket holds them or not (bytes that have already arrived). */
    void charge(AtomicLongArray cells, int i, long cost, long now) {
        long spend = rate.nanosFor(cost);
        while (true) {
            long tat = cells.get(i);
            if (cells.compareAndSet(i, tat, bounded(Math.max(tat, now) + spend, now))) {
                return;
            }
        }
    }

    /** Gives back {@code cost} tokens spent by {@link #take} for a request that was refused after all. */
    void refund(AtomicLongArray cells, int i, long cost, long now) {
        long back = rate.nanosFor(cost);
        while (true) {
            long tat = cells.get(i);
            if (tat <= now || cells.compareAndSet(i, tat, Math.max(now, tat - back))) {
                return;
            }
        }
    }

    /**
     * A cell value no further than two saturated spans past now, so that every sum above stays far from
     * overflowing whatever a client sends (a debt that large is a wait no client will see the end of anyway).
     */
    private static long bounded(long tat, long now) {
        return Math.min(tat, now + 2 * Rate.SATURATION_NANOS);
    }

    /** True when the bucket in {@code cells[i]} is full: it holds nothing a new client's would not. */
    static boolean full(AtomicLongArray cells, int i, long now) {
        return cells.get(i) <= now;
    }
}
