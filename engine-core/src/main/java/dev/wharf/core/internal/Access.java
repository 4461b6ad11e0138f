package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryName;
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

    void require(Caller caller, Action action, RepositoryName repository) {
        if (!authorizer.permits(caller, action, repository)) {
            throw Errors.refused(caller, action, repository);
        }
    }
}
