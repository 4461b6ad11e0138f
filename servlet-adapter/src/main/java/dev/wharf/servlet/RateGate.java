package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import dev.wharf.servlet.limit.RateLimiter;
import dev.wharf.servlet.limit.RateRefusal;
import dev.wharf.servlet.limit.RateRequest;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where every request the {@link AccessDoor} admitted is charged to its client's budgets, as {@link RateLimiter}
 * describes, before its handler reads a byte: a refusal is {@code 429 TOOMANYREQUESTS} with {@code Retry-After}.
 * The servlet has a gate only when it has a limiter; without one, no request is described and nothing is called.
 */
final class RateGate {
    private final RateLimiter limiter;

    RateGate(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Charges {@code exchange}'s request, and has the bytes of a body without a declared length charged as they
     * arrive.
     *
     * @throws RegistryException {@code TOOMANYREQUESTS}, with the wait, when the limiter refuses
     */
    void admit(Exchange exchange) {
        HttpServletRequest request = exchange.request();
        String method = request.getMethod();
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        OptionalLong length = read || !exchange.hasBody() ? RateRequest.NO_BODY : exchange.contentLength();
        RateRequest described = new RateRequest(exchange.caller(), request.getRemoteAddr(),
                read ? RateRequest.Kind.READ : RateRequest.Kind.WRITE, length);
        Optional<RateRefusal> refusal = limiter.admit(described);
        if (refusal.isPresent()) {
            throw tooMany(refusal.get());
        }
        if (length.isEmpty()) {
            exchange.meterBody(bytes -> limiter.charge(described, bytes));
        }
    }

    private static RegistryException tooMany(RateRefusal refusal) {
        long seconds = ErrorWriter.retryAfterSeconds(refusal.retryAfter());
        String what = switch (refusal.budget()) {
            case READS -> "reads";
            case WRITES -> "writes";
            case UPLOAD_BYTES -> "upload bytes";
        };
        return new RegistryException(ErrorCode.TOOMANYREQUESTS, "this client's budget of " + what
                + " is spent; retry in " + seconds + " s",
                Map.of("budget", refusal.budget().key(), "retryAfter", seconds)).withRetryAfter(refusal.retryAfter());
    }
}
