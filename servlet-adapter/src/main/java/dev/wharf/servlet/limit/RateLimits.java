package dev.wharf.servlet.limit;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The budgets a {@link TokenBucketLimiter} gives each client: a {@link Rate} for {@linkplain Budget#READS reads},
 * {@linkplain Budget#WRITES writes} and {@linkplain Budget#UPLOAD_BYTES upload bytes}, each optional (a budget
 * not given is unlimited). Immutable; every {@code withX} returns new limits:
 *
 * <pre>{@code
 * RateLimits limits = RateLimits.none()
 *         .withReads(Rate.parse("100/s").withBurst(200))
 *         .withWrites(Rate.perSecond(20))
 *         .withUploadBytes(Rate.parse("50MiB/s"));
 * }</pre>
 */
public final class RateLimits {
    private static final RateLimits NONE = new RateLimits(new EnumMap<>(Budget.class));

    private final Map<Budget, Rate> rates;

    private RateLimits(EnumMap<Budget, Rate> rates) {
        this.rates = rates;
    }

    /** No budget at all: every request is admitted. */
    public static RateLimits none() {
        return NONE;
    }

    /** These limits with {@code budget} held to {@code rate}. */
    public RateLimits with(Budget budget, Rate rate) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(rate, "rate");
        EnumMap<Budget, Rate> copy = new EnumMap<>(Budget.class);
        copy.putAll(rates);
        copy.put(budget, rate);
        return new RateLimits(copy);
    }

    /** These limits with {@code GET} and {@code HEAD} requests held to {@code rate} per client. */
    public RateLimits withReads(Rate rate) {
        return with(Budget.READS, rate);
    }

    /** These limits with {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} held to {@code rate}. */
    public RateLimits withWrites(Rate rate) {
        return with(Budget.WRITES, rate);
    }

    /** These limits with reads and writes each held to {@code rate}: the two stay separate budgets. */
    public RateLimits withRequests(Rate rate) {
        return withReads(rate).withWrites(rate);
    }

    /** These limits with the bytes of request bodies held to {@code rate} (a token is a byte). */
    public RateLimits withUploadBytes(Rate rate) {
        return with(Budget.UPLOAD_BYTES, rate);
    }

    /** The rate {@code budget} is held to; empty when it is unlimited. */
    public Optional<Rate> rate(Budget budget) {
        return Optional.ofNullable(rates.get(budget));
    }

    /** True when no budget is limited. */
    public boolean isUnlimited() {
        return rates.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RateLimits limits && limits.rates.equals(rates);
    }

    @Override
    public int hashCode() {
        return rates.hashCode();
    }

    /** {@code RateLimits[reads=100/s, uploadBytes=52428800/s]}, or {@code RateLimits[none]}. */
    @Override
    public String toString() {
        if (rates.isEmpty()) {
            return "RateLimits[none]";
        }
        StringBuilder out = new StringBuilder("RateLimits[");
        rates.forEach((budget, rate) -> out.append(out.length() > 11 ? ", " : "").append(budget.key()).append('=')
                .append(rate));
        return out.append(']').toString();
    }
}
