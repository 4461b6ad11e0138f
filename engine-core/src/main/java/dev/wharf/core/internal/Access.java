package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.ScopedPrincipal;
import dev.wharf.spi.Authorizer;
import dev.wharf.spi.RepositoryLinks;

import java.util.Optional;
import java.util.function.Predicate;

/** Asks the {@link Authorizer}; {@link #require} turns a "no" into the catalogue's refusal. */
public final class Access {
    /** How many linking repositories {@link #readableLinker} examines per page. */
    private static final int LINKERS_PAGE = 256;

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

    /**
     * The first repository, in name order, that links {@code digest}, passes {@code among} and may be drawn from by
     * {@code caller} ({@link #mayDrawFrom}); empty if there is none. Costs a page of linkers at a time.
     */
    Optional<RepositoryName> readableLinker(RepositoryLinks links, Caller caller, Digest digest,
                                            Predicate<RepositoryName> among) {
        Optional<RepositoryName> after = Optional.empty();
        while (true) {
            Page<RepositoryName> page = links.repositoriesLinking(digest, after, LINKERS_PAGE);
            for (RepositoryName candidate : page.items()) {
                if (among.test(candidate) && mayDrawFrom(caller, candidate)) {
                    return Optional.of(candidate);
                }
            }
            if (!page.hasMore() || page.items().isEmpty()) {
                return Optional.empty();
            }
            after = Optional.of(page.last());
        }
    }

    void require(Caller caller, Action action, RepositoryName repository) {
        if (!authorizer.permits(caller, action, repository)) {
            throw Errors.refused(caller, action, repository);
        }
    }
}
