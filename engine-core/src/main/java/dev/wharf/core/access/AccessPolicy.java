package dev.wharf.core.access;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryGlob;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Authorizer;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An {@link Authorizer} written as data: named groups of users and rules that allow {@linkplain Subject
 * subjects} to do {@linkplain Action actions} on the repositories a {@link RepositoryGlob} matches, built with
 * {@link #builder()} in code or read from a file by the launcher.
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.builder()
 *         .group("devs", "alice", "bob")
 *         .allow(Subject.group("devs"), "team/**", Action.PULL, Action.PUSH)
 *         .allow(Subject.user("alice"), "team/**", Action.DELETE)
 *         .anonymousPull("public/**")
 *         .build();
 * }</pre>
 *
 * <h2>Model</h2>
 * <ul>
 *   <li><b>Deny by default.</b> A caller may do an action on a repository only if some rule allows it. Rules
 *       only allow: there are no deny rules, so the order of rules never matters and adding a rule never takes
 *       a right away.</li>
 *   <li><b>Callers.</b> An {@linkplain Caller#isAnonymous() anonymous} caller is covered by
 *       {@link Subject#anonymous()} and {@link Subject#everyone()} rules; an authenticated caller by
 *       {@link Subject#authenticated()} and {@link Subject#everyone()} rules, by the rules for its principal's
 *       name ({@link Subject#user}) and by the rules for every group that lists that name (a user may be in
 *       several groups).</li>
 *   <li><b>Catalog.</b> The engine lists a repository in the catalog only to a caller who may both
 *       {@link Action#CATALOG} and {@link Action#PULL} it; a rule that should make repositories visible names
 *       both ({@link Builder#anonymousPull} does).</li>
 *   <li><b>Groups</b> are defined once, by {@link Builder#group}; a rule naming an undefined group is a
 *       mistake that {@link Builder#build()} refuses.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * Everything is worked out when the policy is built: for the anonymous caller, for any authenticated caller and
 * for each user named in a rule or a group, the globs each action is allowed on, filed by their literal first
 * component. {@link #permits} then does two map look-ups and tries only the globs that can match the name, so a
 * policy of a thousand rules answers about as fast as one of ten, and allocates at most the name's first
 * component. Immutable and thread-safe.
 */
public final class AccessPolicy implements Authorizer {
    /** What {@link #actionsNamed} accepts, for messages. */
    static final String ACTION_NAMES = "pull, push, delete, catalog or '*' (all)";
    private static final int RULES_SHOWN = 20;

    private final Map<String, Set<String>> groups;
    private final List<AccessRule> rules;
    private final Grants anonymous;
    private final Grants authenticated;
    private final Map<String, Grants> byUser;

    private AccessPolicy(Map<String, Set<String>> groups, List<AccessRule> rules) {
        this.groups = groups;
        this.rules = rules;
        List<AccessRule> anonymousRules = new ArrayList<>();
        List<AccessRule> authenticatedRules = new ArrayList<>();
        Map<String, List<AccessRule>> userRules = new HashMap<>();
        for (AccessRule rule : rules) {
            Subject subject = rule.subject();
            switch (subject.kind()) {
                case ANONYMOUS -> anonymousRules.add(rule);
                case AUTHENTICATED -> authenticatedRules.add(rule);
                case EVERYONE -> {
                    anonymousRules.add(rule);
                    authenticatedRules.add(rule);
                }
                case USER -> userRules.computeIfAbsent(subject.name().orElseThrow(), u -> new ArrayList<>()).add(rule);
                case GROUP -> {
                    for (String user : groups.get(subject.name().orElseThrow())) {
                        userRules.computeIfAbsent(user, u -> new ArrayList<>()).add(rule);
                    }
                }
            }
        }
        this.anonymous = Grants.of(anonymousRules);
        this.authenticated = Grants.of(authenticatedRules);
        Map<String, Grants> users = new HashMap<>();
        userRules.forEach((user, own) -> users.put(user, Grants.of(own)));
        this.byUser = Map.copyOf(users);
    }

    /** An empty builder: a policy built from it at once refuses everything. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every authenticated caller may do everything on every repository; the anonymous caller nothing. Add
     * anonymous reads with {@code allowAllAuthenticated().toBuilder().anonymousPull(glob).build()}.
     */
    public static AccessPolicy allowAllAuthenticated() {
        return builder().allow(Subject.authenticated(), "**", Action.values()).build();
    }

    /**
     * The actions a configuration file names: {@code pull}, {@code push}, {@code delete}, {@code catalog}, or
     * {@code *} for all of them.
     *
     * @throws IllegalArgumentException on an unknown name, naming it and the accepted ones, or on no name
     */
    public static Set<Action> actionsNamed(Collection<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no action is named; name at least one of " + ACTION_NAMES);
        }
        EnumSet<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : names) {
            if ("*".equals(name)) {
                actions.addAll(EnumSet.allOf(Action.class));
                continue;
            }
            Action found = null;
            for (Action action : Action.values()) {
                if (nameOf(action).equals(name)) {
                    found = action;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown action '" + name + "'; expected " + ACTION_NAMES);
            }
            actions.add(found);
        }
        return actions;
    }

    /** An action's name in a configuration file and in logs: {@code pull}, {@code push}, ... */
    static String nameOf(Action action) {
        return action.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean permits(Caller caller, Action action, RepositoryName repository) {
        Optional<Principal> principal = caller.principal();
        if (principal.isEmpty()) {
            return anonymous.permits(action, repository);
        }
        if (authenticated.permits(action, repository)) {
            return true;
        }
        Grants own = byUser.get(principal.get().getName());
        return own != null && own.permits(action, repository);
    }

    /**
     * The first rule, in the order they were added, that allows {@code caller} to do {@code action} on
     * {@code repository}; empty when the policy refuses it. Agrees with {@link #permits}; slower (it reads every
     * rule), for logs and for explaining a refusal.
     */
    public Optional<AccessRule> allowingRule(Caller caller, Action action, RepositoryName repository) {
        return rules.stream()
                .filter(rule -> rule.actions().contains(action) && covers(rule.subject(), caller)
                        && rule.repositories().matches(repository))
                .findFirst();
    }

    private boolean covers(Subject subject, Caller caller) {
        Optional<String> user = caller.principal().map(Principal::getName);
        return switch (subject.kind()) {
            case EVERYONE -> true;
            case ANONYMOUS -> user.isEmpty();
            case AUTHENTICATED -> user.isPresent();
            case USER -> user.isPresent() && user.equals(subject.name());
            case GROUP -> user.isPresent() && groups.get(subject.name().orElseThrow()).contains(user.get());
        };
    }

    /** The rules, in the order they were added; unmodifiable. */
    public List<AccessRule> rules() {
        return rules;
    }

    /**
     * True if some rule lets callers without credentials do something: a server in front of this policy should then
     * let them reach it (and ask for credentials only when it refuses), rather than challenge them at once.
     */
    public boolean allowsAnonymous() {
        return rules.stream().anyMatch(rule -> rule.subject().kind() == Subject.Kind.ANONYMOUS
                || rule.subject().kind() == Subject.Kind.EVERYONE);
    }

    /** The groups by name, each with its users, in the order they were defined; unmodifiable. */
    public Map<String, Set<String>> groups() {
        return groups;
    }

    /** A builder holding this policy's groups and rules, to add to (an anonymous-pull glob, say). */
    public Builder toBuilder() {
        Builder builder = new Builder();
        groups.forEach((name, users) -> builder.group(name, users.toArray(String[]::new)));
        builder.rules.addAll(rules);
        return builder;
    }

    /** Equal when the groups and the rules, in order, are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AccessPolicy p && p.groups.equals(groups) && p.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(groups, rules);
    }

    /** For logs: the groups and the first {@value #RULES_SHOWN} rules, then how many more there are. */
    @Override
    public String toString() {
        String shown = rules.stream().limit(RULES_SHOWN).map(AccessRule::toString).collect(Collectors.joining("; "));
        String more = rules.size() > RULES_SHOWN ? "; ... " + (rules.size() - RULES_SHOWN) + " more" : "";
        return "AccessPolicy[groups " + groups + "; " + rules.size() + " rules: " + shown + more + "]";
    }

    /** What one kind of caller may do: per action, the globs it is allowed on. */
    private static final class Grants {
        private final GlobSet[] byAction;

        private Grants(GlobSet[] byAction) {
            this.byAction = byAction;
        }

        static Grants of(List<AccessRule> rules) {
            GlobSet[] byAction = new GlobSet[Action.values().length];
            for (Action action : Action.values()) {
                byAction[action.ordinal()] = GlobSet.of(rules.stream().filter(rule -> rule.actions().contains(action))
                        .map(AccessRule::repositories).toList());
            }
            return new Grants(byAction);
        }

        boolean permits(Action action, RepositoryName repository) {
            return byAction[action.ordinal()].matchesAny(repository);
        }
    }

    /**
     * Collects groups and rules; {@link #build()} checks them together and makes the immutable policy. Not
     * thread-safe; may be built from several times.
     */
    public static final class Builder {
        private final Map<String, Set<String>> groups = new LinkedHashMap<>();
        private final List<AccessRule> rules = new ArrayList<>();

        private Builder() {
        }

        /**
         * Defines group {@code name} with {@code users} (principal names), or adds them to it if it is already
         * defined. A user may be in several groups; a group may be empty.
         *
         * @throws IllegalArgumentException if the name or a user is null or blank
         */
        public Builder group(String name, String... users) {
            Set<String> members = groups.computeIfAbsent(Subject.requireName("group", name),
                    n -> new LinkedHashSet<>());
            for (String user : users) {
                members.add(Subject.requireName("user", user));
            }
            return this;
        }

        /**
         * Allows {@code subject} to do {@code actions} on the repositories {@code repositoryGlob} matches.
         *
         * @throws IllegalArgumentException if the glob is not valid ({@link RepositoryGlob#parse}) or no action
         *                                  is given
         */
        public Builder allow(Subject subject, String repositoryGlob, Action... actions) {
            EnumSet<Action> allowed = EnumSet.noneOf(Action.class);
            Collections.addAll(allowed, actions);
            return allow(subject, RepositoryGlob.parse(repositoryGlob), allowed);
        }

        /**
         * Adds the rule {@code new AccessRule(subject, repositories, actions)}.
         *
         * @throws IllegalArgumentException if no action is given
         */
        public Builder allow(Subject subject, RepositoryGlob repositories, Set<Action> actions) {
            rules.add(new AccessRule(subject, repositories, actions));
            return this;
        }

        /**
         * Lets anonymous callers pull the repositories {@code repositoryGlob} matches and see them in the
         * catalog: {@code allow(anonymous(), repositoryGlob, PULL, CATALOG)}.
         *
         * @throws IllegalArgumentException if the glob is not valid
         */
        public Builder anonymousPull(String repositoryGlob) {
            return allow(Subject.anonymous(), repositoryGlob, Action.PULL, Action.CATALOG);
        }

        /**
         * The policy of the groups and rules given so far.
         *
         * @throws IllegalArgumentException if a rule names a group that is not defined
         */
        public AccessPolicy build() {
            for (AccessRule rule : rules) {
                Subject subject = rule.subject();
                if (subject.kind() == Subject.Kind.GROUP && !groups.containsKey(subject.name().orElseThrow())) {
                    throw new IllegalArgumentException("the rule '" + rule + "' names group '"
                            + subject.name().orElseThrow() + "', which is not defined; defined groups: "
                            + groups.keySet());
                }
            }
            Map<String, Set<String>> frozen = new LinkedHashMap<>();
            groups.forEach((name, users) -> frozen.put(name, Collections.unmodifiableSet(new LinkedHashSet<>(users))));
            return new AccessPolicy(Collections.unmodifiableMap(frozen), List.copyOf(rules));
        }
    }
}
