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
 * <p>Every attempt counts before its password is checked ({@link #attempt}), and a success takes it back: guesses
 * sent in parallel cannot slip past the limit while the first ones are being checked.
 *
 * <p>Behind a reverse proxy every client has the proxy's address: give the servlet container the client's own
 * (Jetty's {@code ForwardedRequestCustomizer}, Tomcat's {@code RemoteIpValve}), or the per-address limit locks
 * everyone out together.
 *
 * <p>Bounded: entries whose window has passed are dropped, at most once a second, once the table holds
 * {@value #SWEEP_AT} of them; past {@value #MAX_ENTRIES} clients new to the table wait until a sweep makes room
 * (a flood of addresses cannot grow the heap), while those already in it go on. Thread-safe.
 */
public final class LoginThrottle {
    /** Failures for one user from one address before the window locks; the address's limit is five times this. */
    public static final int DEFAULT_MAX_FAILURES = 10;
    /** How long failures are counted, and how long a lock lasts at most. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    private static final int ADDRESS_FACTOR = 5;
    private static final int SWEEP_AT = 10_000;
    private static final int MAX_ENTRIES = 100_000;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private volatile long lastSweep = Long.MIN_VALUE / 2;

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

    /**
     * How long {@code user} must wait before trying again from {@code address}; empty if the lock is off. Counts
     * nothing: for a password already known to be right, which must still wait out a lock (else a locked-out
     * guesser would learn the right one the moment its user logs in).
     */
    public Optional<Duration> check(String user, String address) {
        long now = clock.getAsLong();
        long wait = Math.max(locked(userKey(user, address), maxFailures, now),
                locked(addressKey(address), maxFailures * ADDRESS_FACTOR, now));
        return wait > 0 ? Optional.of(Duration.ofNanos(wait)) : Optional.empty();
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

    /**
     * Counts an attempt to log in as {@code user} from {@code address}, before its password is checked, so that
     * guesses sent in parallel all count at once: empty if the attempt may go ahead, else how long to wait (and
     * nothing is counted). A login that succeeds then calls {@link #succeeded}, which takes the user's count back.
     */
    public Optional<Duration> attempt(String user, String address) {
        long now = clock.getAsLong();
        String userKey = userKey(user, address);
        String addressKey = addressKey(address);
        if (windows.size() >= SWEEP_AT) {
            sweep(now);
        }
        if (windows.size() >= MAX_ENTRIES && !windows.containsKey(userKey)) {
            return Optional.of(Duration.ofNanos(windowNanos)); // a flood of new clients: only newcomers wait
        }
        long wait = take(addressKey, maxFailures * ADDRESS_FACTOR, now);
        if (wait == 0) {
            wait = take(userKey, maxFailures, now);
            if (wait > 0) {
                giveBack(addressKey);
            }
        }
        return wait > 0 ? Optional.of(Duration.ofNanos(wait)) : Optional.empty();
    }

    /** Takes back {@code user}'s attempts at {@code address}: the password was right (the address's count stays). */
    public void succeeded(String user, String address) {
        windows.remove(userKey(user, address));
    }

    /** Counts one attempt under {@code key} unless it is at {@code limit}; returns the wait when it is. */
    private long take(String key, int limit, long now) {
        Window window = windows.computeIfAbsent(key, k -> new Window(now));
        synchronized (window) {
            if (now - window.start >= windowNanos) {
                window.start = now;
                window.failures = 0;
            }
            if (window.failures >= limit) {
                return Math.max(1, window.start + windowNanos - now);
            }
            window.failures++;
            return 0;
        }
    }

    private void giveBack(String key) {
        Window window = windows.get(key);
        if (window != null) {
            synchronized (window) {
                window.failures = Math.max(0, window.failures - 1);
            }
        }
    }

    /** Drops the windows that have passed, at most once a second however often it is asked. */
    private void sweep(long now) {
        long last = lastSweep;
        if (now - last < SWEEP_INTERVAL_NANOS) {
            return;
        }
        lastSweep = now;
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
