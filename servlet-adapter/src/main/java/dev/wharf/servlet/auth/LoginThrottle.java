package dev.wharf.servlet.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins for one user from one address within a
 * window, that user is refused from that address until the window ends, whatever password comes next; an address
 * that fails five times as often is refused for every user. Keying the user's count by address keeps an attacker
 * from locking a user out everywhere by failing on purpose. A successful login clears the user's count at that
 * address.
 *
 * <p>Bounded: entries whose window has passed are dropped once the table holds {@value #SWEEP_AT} of them, and past
 * {@value #MAX_ENTRIES} new clients are throttled until a sweep makes room (a flood of addresses cannot grow the
 * heap). Thread-safe.
 */
public final class LoginThrottle {
    /** Failures for one user from one address before the window locks; the address's limit is five times this. */
    public static final int DEFAULT_MAX_FAILURES = 10;
    /** How long failures are counted, and how long a lock lasts at most. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private static final int ADDRESS_FACTOR = 5;
    private static final int SWEEP_AT = 10_000;
    private static final int MAX_ENTRIES = 100_000;

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** A throttle with {@link #DEFAULT_MAX_FAILURES} in {@link #DEFAULT_WINDOW}. */
    public LoginThrottle() {
        this(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW);
    }

    /**
     * @throws IllegalArgumentException unless {@code maxFailures} is positive and {@code window} at least a second
     */
    public LoginThrottle(int maxFailures, Duration window) {
        this(maxFailures, window, System::nanoTime);
    }

    LoginThrottle(int maxFailures, Duration window, LongSupplier clock) {
        if (maxFailures < 1 || window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a login throttle needs at least one failure and a window of at least"
                    + " a second, was " + maxFailures + " in " + window);
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /** How long {@code user} must wait before trying again from {@code address}; empty if it may try now. */
    public Optional<Duration> check(String user, String address) {
        long now = clock.getAsLong();
        long wait = Math.max(locked(userKey(user, address), maxFailures, now),
                locked(addressKey(address), maxFailures * ADDRESS_FACTOR, now));
        if (wait == 0 && windows.size() >= MAX_ENTRIES) {
            sweep(now);
            if (windows.size() >= MAX_ENTRIES) {
                wait = windowNanos;
            }
        }
        return wait > 0 ? Optional.of(Duration.ofNanos(wait)) : Optional.empty();
    }

    /** Counts a failed login of {@code user} from {@code address}. */
    public void failed(String user, String address) {
        long now = clock.getAsLong();
        if (windows.size() >= SWEEP_AT) {
            sweep(now);
        }
        count(userKey(user, address), now);
        count(addressKey(address), now);
    }

    /** Clears {@code user}'s failures at {@code address} (the address's own count stays). */
    public void succeeded(String user, String address) {
        windows.remove(userKey(user, address));
    }

    private long locked(String key, int limit, long now) {
        Window window = windows.get(key);
        if (window == null) {
            return 0;
        }
        synchronized (window) {
            long left = window.start + windowNanos - now;
            return window.failures >= limit && left > 0 ? left : 0;
        }
    }

    private void count(String key, long now) {
        Window window = windows.computeIfAbsent(key, k -> new Window(now));
        synchronized (window) {
            if (now - window.start >= windowNanos) {
                window.start = now;
                window.failures = 0;
            }
            window.failures++;
        }
    }

    private void sweep(long now) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window window = it.next();
            synchronized (window) {
                if (now - window.start >= windowNanos) {
                    it.remove();
                }
            }
        }
    }

    private static String userKey(String user, String address) {
        return "u\u0000" + user + "\u0000" + address;
    }

    private static String addressKey(String address) {
        return "a\u0000" + address;
    }

    /** Failures counted since {@code start}; guarded by its own monitor. */
    private static final class Window {
        long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }
}
