package dev.wharf.servlet.auth;

import dev.wharf.api.Action;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.ScopedPrincipal;

import java.util.Locale;
import java.util.Objects;

/**
 * The user a bearer token names ({@code sub}), with what the token grants: the engine asks it before it takes a
 * blob from a repository the request did not name (a mount), so a token cannot draw on repositories outside its
 * scopes, whatever the authorizer allows.
 *
 * @param name   the token's subject
 * @param grants the token's {@code access} claim
 */
public record TokenPrincipal(String name, Grants grants) implements ScopedPrincipal {
    /** Both parts are required. */
    public TokenPrincipal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(grants, "grants");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean grants(Action action, RepositoryName repository) {
        return action == Action.CATALOG ? grants.covers(Scope.CATALOG)
                : grants.covers(Scope.repository(repository.value(), action.name().toLowerCase(Locale.ROOT)));
    }

    /** Names the user and the scopes, never the token. */
    @Override
    public String toString() {
        return "TokenPrincipal[" + name + ", " + grants + "]";
    }
}
