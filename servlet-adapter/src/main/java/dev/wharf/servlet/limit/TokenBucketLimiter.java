package dev.wharf.servlet.limit;

import java.security.Principal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The built-in {@link RateLimiter}: a token bucket per client for each budget its {@link RateLimits} hold. A client
 * is the authenticated user, by name (wherever it connects from), or, for an anonymous caller, the remote address.
 *
 * <ul>
 *   <li>A read takes one token of {@link Budget#READS}; a write one of {@link Budget#WRITES}.</li>
 *   <li>A write's body takes as many tokens of {@link Budget#UPLOAD_BYTES} as it declares in
 *       {@code Content-Length}, before any byte is read; a write without a body takes none. A body larger than the burst is admitted once the bucket
 *       is full and overdraws it; the client's next body waits until the debt is paid back. A body without a
 *       declared length (chunked) is admitted while the bucket is not overdrawn, and its bytes are charged as they
 *       arrive ({@link #charge}), overdrawing it if need be.</li>
 *   <li>A refused request spends nothing; the refusal names the spent budget and when it will hold the request
 *       again.</li>
 * </ul>
 *
 * <p>Cheap on the path that admits: a read of a concurrent map and one compare-and-set per budget, no lock, and no
 * work at all for a request whose budgets are all unlimited. A bucket is a single number (see {@link TokenBucket}).
 *
 * <p>Bounded: a client whose buckets are all full again holds nothing a new client would not, and is forgotten:
 * once {@value #SWEEP_AT} clients are tracked, such clients are swept, at most once a second. Past
 * {@value #MAX_CLIENTS} clients not yet swept (a flood of new addresses), clients new to the table are refused for a
 * second while those already in it go on. A request racing the sweep of its own client may find it forgotten and
 * start from a full bucket: at most one request's worth of leniency per sweep. Thread-safe.
 */
public final class TokenBucketLimiter implements RateLimiter {
    /** Tracked clients past which those whose buckets are full again are swept. */
    static final int SWEEP_AT = 10_000;
    /** Tracked clients past which clients new to the table are refused until a sweep makes room. */
    static final int MAX_CLIENTS = 100_000;
    static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
    /** What a client new to a full table is asked to wait. */
    static final Duration TABLE_FULL_WAIT = Duration.ofSeconds(1);

    private static final int READS = Budget.READS.ordinal();
    private static final int WRITES = Budget.WRITES.ordinal();
    private static final int BYTES = Budget.UPLOAD_BYTES.ordinal();

    private final RateLimits limits;
    /** The buckets' arithmetic per budget; null for an unlimited budget. */
    private final TokenBucket reads;
    private final TokenBucket writes;
    private final TokenBucket bytes;
    private final LongSupplier clock;
    private final long origin;
    /** Each client's cells, one per {@link Budget} by ordinal (see {@link TokenBucket}). */
    private final ConcurrentHashMap<String, AtomicLongArray> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLongArray> addresses = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    private TokenBucketLimiter(RateLimits limits, LongSupplier clock) {
        this.limits = limits;
        this.reads = limits.rate(Budget.READS).map(TokenBucket::new).orElse(null);
        this.writes = limits.rate(Budget.WRITES).map(TokenBucket::new).orElse(null);
        this.bytes = limits.rate(Budget.UPLOAD_BYTES).map(TokenBucket::new).orElse(null);
        this.clock = clock;
        this.origin = clock.getAsLong();
        this.lastSweep = new AtomicLong(-SWEEP_INTERVAL_NANOS);
    }

    /** A limiter holding every client to {@code limits}, on {@link System#nanoTime()}. */
    public static TokenBucketLimiter of(RateLimits limits) {
        return of(limits, System::nanoTime);
    }

    /**
     * A limiter holding every client to {@code limits}, on {@code nanoClock}: a monotonic count of nanoseconds such
     * as {@link System#nanoTime()}, which a test may drive by hand.
     */
    public static TokenBucketLimiter of(RateLimits limits, LongSupplier nanoClock) {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(nanoClock, "nanoClock");
        return new TokenBucketLimiter(limits, nanoClock);
    }

    /** The budgets this limiter gives each client. */
    public RateLimits limits() {
        return limits;
    }

    @Override
    public Optional<RateRefusal> admit(RateRequest request) {
        boolean read = request.kind() == RateRequest.Kind.READ;
        OptionalLong body = request.bodyLength();
        boolean chargesBytes = !read && bytes != null && (body.isEmpty() || body.getAsLong() > 0);
        if (read ? reads == null : writes == null && !chargesBytes) {
            return Optional.empty();
        }
        long now = clock.getAsLong() - origin;
        AtomicLongArray cells = cells(request, now, false);
        if (cells == null) {
            return Optional.of(new RateRefusal(read ? Budget.READS : Budget.WRITES, TABLE_FULL_WAIT));
        }
        if (read) {
            return refusal(Budget.READS, reads.take(cells, READS, 1, now));
        }
        if (writes != null) {
            long wait = writes.take(cells, WRITES, 1, now);
            if (wait > 0) {
                return refusal(Budget.WRITES, wait);
            }
        }
        if (chargesBytes) {
            long wait = bytes.take(cells, BYTES, body.orElse(0), now);
            if (wait > 0) {
                if (writes != null) {
                    writes.refund(cells, WRITES, 1, now);
                }
                return refusal(Budget.UPLOAD_BYTES, wait);
            }
        }
        return Optional.empty();
    }

    @Override
    public void charge(RateRequest request, long count) {
        if (bytes == null || count <= 0) {
            return;
        }
        long now = clock.getAsLong() - origin;
        bytes.charge(cells(request, now, true), BYTES, count, now);
    }

    /** How many clients the limiter tracks now; those it has forgotten count as new. */
    public int trackedClients() {
        return users.size() + addresses.size();
    }

    private static Optional<RateRefusal> refusal(Budget budget, long waitNanos) {
        return waitNanos <= 0 ? Optional.empty() : Optional.of(new RateRefusal(budget, Duration.ofNanos(waitNanos)));
    }

    /**
     * The cells of {@code request}'s client; null when it is new and the table is full, unless {@code always}
     * (for bytes that have arrived, which are charged whatever the table holds).
     */
    private AtomicLongArray cells(RateRequest request, long now, boolean always) {
        Optional<Principal> principal = request.caller().principal();
        ConcurrentHashMap<String, AtomicLongArray> table = principal.isPresent() ? users : addresses;
        String key = principal.isPresent() ? principal.get().getName() : request.remoteAddress();
        AtomicLongArray cells = table.get(key);
        if (cells != null) {
            return cells;
        }
        int tracked = trackedClients();
        if (tracked >= SWEEP_AT) {
            sweep(now);
            if (!always && trackedClients() >= MAX_CLIENTS) {
                return null;
            }
        }
        return table.computeIfAbsent(key, k -> new AtomicLongArray(Budget.values().length));
    }

    /** Forgets the clients whose buckets are all full, at most once a {@link #SWEEP_INTERVAL_NANOS}. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_INTERVAL_NANOS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        users.values().removeIf(cells -> idle(cells, now));
        addresses.values().removeIf(cells -> idle(cells, now));
    }

    private static boolean idle(AtomicLongArray cells, long now) {
        for (int i = 0; i < cells.length(); i++) {
            if (!TokenBucket.full(cells, i, now)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TokenBucketLimiter" + limits.toString().substring("RateLimits".length());
    }
}
