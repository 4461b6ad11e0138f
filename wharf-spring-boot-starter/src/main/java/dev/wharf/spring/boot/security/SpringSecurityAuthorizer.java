package dev.wharf.spring.boot.security;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryGlob;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Authorizer;
import dev.wharf.spring.boot.WharfProperties;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import java.security.Principal;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The registry's {@link Authorizer} over Spring Security: an anonymous caller may pull (and list) the repositories
 * of {@code wharf.security.anonymous-pull}; an authenticated caller, whose principal is Spring Security's
 * {@link Authentication}, may do what a {@code wharf.security.rules} entry grants one of its authorities (or every
 * authenticated caller), and everything when there are no rules.
 */
public final class SpringSecurityAuthorizer implements Authorizer {
    /** The authority name that stands for every authenticated caller in a rule. */
    public static final String AUTHENTICATED = "authenticated";

    private record Rule(String authority, List<RepositoryGlob> repositories, Set<Action> actions) {
    }

    private final List<RepositoryGlob> anonymousPull;
    private final List<Rule> rules;

    /** The authorizer {@code security} describes. */
    public SpringSecurityAuthorizer(WharfProperties.Security security) {
        this.anonymousPull = security.getAnonymousPull().stream().map(RepositoryGlob::parse).toList();
        this.rules = security.getRules().stream().map(r -> new Rule(r.getAuthority(),
                r.getRepositories().stream().map(RepositoryGlob::parse).toList(), actions(r.getActions()))).toList();
    }

    private static Set<Action> actions(List<String> names) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : names) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.equals("*")) {
                return EnumSet.allOf(Action.class);
            }
            try {
                actions.add(Action.valueOf(n.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("wharf.security.rules: unknown action '" + name
                        + "'; use pull, push, delete, catalog or *");
            }
        }
        return actions;
    }

    /** True when anonymous callers may pull something. */
    public boolean admitsAnonymousPull() {
        return !anonymousPull.isEmpty();
    }

    @Override
    public boolean permits(Caller caller, Action action, RepositoryName repository) {
        Principal principal = caller.principal().orElse(null);
        if (principal instanceof dev.wharf.api.ScopedPrincipal token) {
            // A bearer token of the token flow: its service granted it only what these rules allowed its user.
            return token.grants(action, repository) || anyoneMay(action, repository);
        }
        if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()
                || authentication instanceof org.springframework.security.authentication.AnonymousAuthenticationToken) {
            return anyoneMay(action, repository);
        }
        if (rules.isEmpty()) {
            return true;
        }
        for (Rule rule : rules) {
            if (rule.actions().contains(action) && holds(authentication, rule.authority())
                    && rule.repositories().stream().anyMatch(g -> g.matches(repository))) {
                return true;
            }
        }
        return anyoneMay(action, repository);
    }

    /** What {@code wharf.security.anonymous-pull} lets every caller do. */
    private boolean anyoneMay(Action action, RepositoryName repository) {
        return (action == Action.PULL || action == Action.CATALOG)
                && anonymousPull.stream().anyMatch(g -> g.matches(repository));
    }

    private static boolean holds(Authentication authentication, String authority) {
        if (AUTHENTICATED.equals(authority)) {
            return true;
        }
        for (GrantedAuthority granted : authentication.getAuthorities()) {
            if (authority.equals(granted.getAuthority())) {
                return true;
            }
        }
        return false;
    }
}
