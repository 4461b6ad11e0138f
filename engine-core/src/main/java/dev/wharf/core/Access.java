package dev.wharf.core;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Authorizer;

/** Asks the {@link Authorizer} and turns a "no" into UNAUTHORIZED (anonymous) or DENIED (authenticated). */
final class Access {
    private final Authorizer authorizer;

    Access(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    boolean permits(Caller caller, Action action, RepositoryName repository) {
        return authorizer.permits(caller, action, repository);
    }

    void require(Caller caller, Action action, RepositoryName repository) {
        if (!authorizer.permits(caller, action, repository)) {
            String what = action.name().toLowerCase(java.util.Locale.ROOT) + " access to repository '"
                    + repository + "'";
            throw caller.isAnonymous()
                    ? new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required for " + what,
                            java.util.Map.of("name", repository.value(), "action", action.name().toLowerCase(java.util.Locale.ROOT)))
                    : new RegistryException(ErrorCode.DENIED, what + " is denied");
        }
    }
}
