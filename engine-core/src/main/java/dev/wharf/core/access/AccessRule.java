package dev.wharf.core.access;

import dev.wharf.api.Action;
import dev.wharf.api.RepositoryGlob;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One line of an {@link AccessPolicy}: {@code subject} may do {@code actions} on every repository that
 * {@code repositories} matches. Rules only allow; there are no deny rules.
 *
 * @param subject      whom the rule allows
 * @param repositories the repositories it covers
 * @param actions      what it allows there; never empty, unmodifiable
 */
public record AccessRule(Subject subject, RepositoryGlob repositories, Set<Action> actions) {

    /**
     * Checks and copies the parts.
     *
     * @throws IllegalArgumentException if {@code actions} is empty
     */
    public AccessRule {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(repositories, "repositories");
        Objects.requireNonNull(actions, "actions");
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("a rule for " + subject + " on " + repositories
                    + " allows no action; name at least one of " + AccessPolicy.ACTION_NAMES);
        }
        actions = Collections.unmodifiableSet(EnumSet.copyOf(actions));
    }

    /** For logs: {@code allow pull,push on team/** to group:devs}. */
    @Override
    public String toString() {
        return "allow " + actions.stream().map(AccessPolicy::nameOf).collect(Collectors.joining(",")) + " on "
                + repositories + " to " + subject;
    }
}
