package dev.wharf.servlet.limit;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link RateLimiter}'s answer to a request that may not run now: the servlet answers {@code 429} with code
 * {@code TOOMANYREQUESTS}, {@code Retry-After} set to {@code retryAfter} in whole seconds (rounded up, at least 1)
 * and a {@code detail} naming the budget, {@code {"budget": "reads", "retryAfter": 2}}.
 *
 * @param budget     the budget that is spent
 * @param retryAfter how long until the budget would admit the request, positive
 */
public record RateRefusal(Budget budget, Duration retryAfter) {
    /** Both parts are required, and the wait is positive. */
    public RateRefusal {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isZero() || retryAfter.isNegative()) {
            throw new IllegalArgumentException("a refusal's wait must be positive, was " + retryAfter);
        }
    }
}
