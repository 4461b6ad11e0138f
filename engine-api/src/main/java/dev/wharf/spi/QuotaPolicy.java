package dev.wharf.spi;

import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.RepositoryName;

import java.util.List;

/**
 * Which quota scopes count a repository's content, and what each scope may hold. The metadata store keeps a
 * usage count per scope in the same atomic change as the content it counts ({@link UsageLedger}) and refuses a
 * change that would cross a limit; the engine checks the same limits before upload bytes arrive.
 *
 * <p>{@link #scopes} must be a pure function of the name (the counts are kept by it), and {@link #countingKey}
 * must change whenever it could answer differently for some name: the engine recounts every scope from the
 * stored content when the key differs from the one the counts were made under. Limits may change freely.
 * Implementations must be thread-safe and fast: they are asked on every push.
 */
public interface QuotaPolicy {

    /** The scopes whose usage includes {@code repository}'s content; empty when none does. */
    List<String> scopes(RepositoryName repository);

    /** What {@code scope} may hold. */
    QuotaLimits limits(String scope);

    /** Identifies the answers of {@link #scopes}: equal keys, equal scopes for every name. */
    String countingKey();

    /** The built-in policy: {@code rules}, as {@link QuotaRule} describes them. */
    static QuotaPolicy of(List<QuotaRule> rules) {
        return new RuleQuotaPolicy(rules);
    }
}
