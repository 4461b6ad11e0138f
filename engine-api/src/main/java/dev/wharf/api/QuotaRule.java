package dev.wharf.api;

import java.util.Objects;

/**
 * One rule of the built-in quota policy: limits for the repositories a {@link RepositoryGlob} matches, either
 * together (a <em>namespace</em>: {@code team/**} may hold 10 GiB in all) or each on its own (every repository
 * under {@code team/**} may hold 1 GiB).
 *
 * <p>A namespace rule's scope is named by its glob ({@code team/**}); a per-repository rule's scopes by the
 * repositories' names. Rules that name the same scope combine to the strictest limit of each kind. See
 * {@link Usage} for how each kind is counted.
 *
 * @param glob          the repositories the rule covers
 * @param perRepository true for a limit on each repository, false for one on all of them together
 * @param limits        the limits
 */
public record QuotaRule(RepositoryGlob glob, boolean perRepository, QuotaLimits limits) {
    public QuotaRule {
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(limits, "limits");
    }

    /** Limits on everything the repositories matching {@code glob} hold together. */
    public static QuotaRule namespace(String glob, QuotaLimits limits) {
        return new QuotaRule(RepositoryGlob.parse(glob), false, limits);
    }

    /** Limits on what each repository matching {@code glob} holds. */
    public static QuotaRule eachRepository(String glob, QuotaLimits limits) {
        return new QuotaRule(RepositoryGlob.parse(glob), true, limits);
    }
}
