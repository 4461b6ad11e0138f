package dev.wharf.bench.slow;

/**
 * How many bytes one slow connection may move now: a token bucket filled at {@code bytesPerSecond} and
 * holding at most one tick's worth, {@code max(1, bytesPerSecond × tick)} bytes. A connection that took part
 * of its budget, or none (its socket had nothing to give), cannot make up for it later: over any interval it
 * moves at most the rate times the interval plus one tick's worth, never a burst after a quiet spell.
 *
 * <p>The arithmetic is exact integers: credit is kept in byte-nanoseconds, so rates below one byte per tick
 * (4 bytes/s in 50 ms ticks is 0.2 bytes a tick) still add up to the rate: one byte every fifth tick.
 * Not thread-safe: one per connection, used by the selector thread.
 */
final class ByteBudget {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** With ticks of at most a second, keeps capacity × 10^9 within a long. */
    static final long MAX_RATE = 1L << 32;
    static final long MAX_TICK_NANOS = NANOS_PER_SECOND;

    private final long rate;
    private final long capacity;
    private final long capacityCredit;
    private long credit;
    private long last;

    /**
     * An empty budget at {@code startNanos}.
     *
     * @param bytesPerSecond the rate, 1 byte/s to 4 GiB/s
     * @param tickNanos      the period at which the owner spends it, which sizes the bucket; 1 ms to 1 s
     * @param startNanos     {@link System#nanoTime()} now
     */
    ByteBudget(long bytesPerSecond, long tickNanos, long startNanos) {
        if (bytesPerSecond < 1 || bytesPerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rate must be 1 byte/s to 4 GiB/s, was " + bytesPerSecond);
        }
        if (tickNanos < 1_000_000L || tickNanos > MAX_TICK_NANOS) {
            throw new IllegalArgumentException("tick must be 1 ms to 1 s, was " + tickNanos + " ns");
        }
        this.rate = bytesPerSecond;
        this.capacity = perTick(bytesPerSecond, tickNanos);
        this.capacityCredit = capacity * NANOS_PER_SECOND;
        this.last = startNanos;
    }

    /** The bucket's size: one tick's worth of bytes, rounded down, at least one byte. */
    static long perTick(long bytesPerSecond, long tickNanos) {
        return Math.max(1, bytesPerSecond * tickNanos / NANOS_PER_SECOND); // < 2^62: both bounded above
    }

    /** Adds the credit earned since the last call (capped at the bucket's size); returns {@link #available()}. */
    long refill(long nowNanos) {
        long elapsed = nowNanos - last;
        last = nowNanos;
        if (elapsed > 0) {
            long missing = capacityCredit - credit;
            // rate × elapsed could overflow after a long pause; it is only computed when below missing.
            credit = elapsed >= missing / rate + 1 ? capacityCredit : credit + rate * elapsed;
        }
        return available();
    }

    /** Whole bytes that may be moved now. */
    long available() {
        return credit / NANOS_PER_SECOND;
    }

    /** Records {@code bytes} moved; at most {@link #available()}. */
    void spend(long bytes) {
        if (bytes < 0 || bytes > available()) {
            throw new IllegalArgumentException("spending " + bytes + " bytes of a budget of " + available());
        }
        credit -= bytes * NANOS_PER_SECOND;
    }

    /** The bucket's size in bytes. */
    long capacity() {
        return capacity;
    }
}
