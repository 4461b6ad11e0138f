/**
 * Rate limits for the registry's HTTP API: the {@link dev.wharf.servlet.limit.RateLimiter} SPI, which the
 * {@link dev.wharf.servlet.RegistryServlet} asks once per admitted request, and the built-in
 * {@link dev.wharf.servlet.limit.TokenBucketLimiter}, which keeps a token bucket per caller (the authenticated
 * user's name, or the remote address of an anonymous client) for each {@link dev.wharf.servlet.limit.Budget}:
 * reads, writes and upload bytes.
 *
 * <p>The package knows no servlet container: a request is described to a limiter by a
 * {@link dev.wharf.servlet.limit.RateRequest} (caller, address, kind, body length), and a refusal is a
 * {@link dev.wharf.servlet.limit.RateRefusal} (the spent budget and the wait), which the servlet answers with
 * {@code 429 TOOMANYREQUESTS} and {@code Retry-After}. Budgets are configured as
 * {@link dev.wharf.servlet.limit.RateLimits}, each a {@link dev.wharf.servlet.limit.Rate} with its burst.
 * Without a limiter the servlet does no per-request work for rate limits at all.
 */
package dev.wharf.servlet.limit;
