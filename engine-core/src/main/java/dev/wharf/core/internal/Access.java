package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.ScopedPrincipal;
import dev.wharf.spi.Authorizer;

/** Asks the {@link Authorizer}; {@link #require} turns a "no" into the catalogue's refusal. */
public final class Access {
    private final Authorizer authorizer;

    public Access(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    boolean permits(Caller caller, Action action, RepositoryName repository) {
        return authorizer.permits(caller, action, repository);
    }

    /**
     * True if a blob may be taken from {@code source} for {@code caller}: the authorizer lets the caller pull it
     * and, for credentials with scopes ({@link ScopedPrincipal}, a token), they grant pulling it.
     */
    boolean mayDrawFrom(Caller caller, RepositoryName source) {
        if (!authorizer.permits(caller, Action.PULL, source)) {
            return false;
        }
        return !(caller.principal().orElse(null) instanceof ScopedPrincipal scoped)
                || scoped.grants(Action.PULL, source);
    }

    void require(Caller caller, Action action, RepositoryName repository) {
        if (!authorizer.permits(caller, action, repository)) {
            throw Errors.refused(caller, action, repository);
        }
    }
}
