package dev.wharf.api;

/**
 * A quota scope's usage beside its limits, as {@link Registry#usage} reports it.
 *
 * @param scope  the scope: a repository name, or the glob of a namespace rule such as {@code team/**}
 * @param used   what the scope holds
 * @param limits what it may hold
 */
public record QuotaStatus(String scope, Usage used, QuotaLimits limits) {
    public QuotaStatus {
        java.util.Objects.requireNonNull(scope, "scope");
        java.util.Objects.requireNonNull(used, "used");
        java.util.Objects.requireNonNull(limits, "limits");
    }
}
