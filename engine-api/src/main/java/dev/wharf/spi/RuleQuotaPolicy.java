package dev.wharf.spi;

import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.RepositoryName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in {@link QuotaPolicy} over {@link QuotaRule}s: a namespace rule's scope is its glob, a
 * per-repository rule's scope the repository's name; the scopes of a name and the limits of a scope are remembered
 * (up to a bound), since they are asked on every counted change.
 */
final class RuleQuotaPolicy implements QuotaPolicy {
    private static final int REMEMBERED = 16_384;

    private final List<QuotaRule> rules;
    private final Map<String, QuotaLimits> namespaceLimits = new LinkedHashMap<>();
    private final String countingKey;
    private final Map<RepositoryName, List<String>> scopes = new ConcurrentHashMap<>();
    /** The limits of each scope asked about: asked on every counted change, and fixed for these rules. */
    private final Map<String, QuotaLimits> limits = new ConcurrentHashMap<>();

    RuleQuotaPolicy(List<QuotaRule> rules) {
        this.rules = List.copyOf(rules);
        StringBuilder key = new StringBuilder("rules:");
        for (QuotaRule rule : this.rules) {
            if (!rule.perRepository()) {
                namespaceLimits.merge(rule.glob().toString(), rule.limits(), QuotaLimits::min);
            }
            key.append(rule.perRepository() ? "each " : "all ").append(rule.glob()).append(';');
        }
        this.countingKey = key.toString();
    }

    @Override
    public List<String> scopes(RepositoryName repository) {
        List<String> known = scopes.get(repository);
        if (known != null) {
            return known;
        }
        List<String> found = new ArrayList<>(2);
        for (QuotaRule rule : rules) {
            if (rule.glob().matches(repository)) {
                String scope = rule.perRepository() ? repository.value() : rule.glob().toString();
                if (!found.contains(scope)) {
                    found.add(scope);
                }
            }
        }
        List<String> result = List.copyOf(found);
        if (scopes.size() >= REMEMBERED) {
            scopes.clear();
        }
        scopes.put(repository, result);
        return result;
    }

    @Override
    public QuotaLimits limits(String scope) {
        QuotaLimits known = limits.get(scope);
        if (known != null) {
            return known;
        }
        QuotaLimits found = limitsOf(scope);
        if (limits.size() >= REMEMBERED) {
            limits.clear();
        }
        limits.put(scope, found);
        return found;
    }

    private QuotaLimits limitsOf(String scope) {
        QuotaLimits limits = namespaceLimits.getOrDefault(scope, QuotaLimits.NONE);
        RepositoryName name;
        try {
            name = RepositoryName.of(scope);
        } catch (RuntimeException e) {
            return limits; // a glob with wildcards is no repository name
        }
        for (QuotaRule rule : rules) {
            if (rule.perRepository() && rule.glob().matches(name)) {
                limits = limits.min(rule.limits());
            }
        }
        return limits;
    }

    @Override
    public String countingKey() {
        return countingKey;
    }
}
