package dev.wharf.spi;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryName;

/**
 * Decides whether a caller may perform an action on a repository. The engine asks wherever access decides
 * an outcome: at each operation, for mount sources (a blob is only mounted from repositories the caller
 * may {@link Action#PULL}), and to filter the catalog, which lists a repository only to a caller who may
 * both {@link Action#CATALOG} and {@link Action#PULL} it (read access), so that no listed name, page or
 * cursor reveals a repository the caller cannot read. A caller without read access to a repository gets
 * the same refusal from its tag list, manifests and referrers whether or not it exists.
 *
 * <p>Implementations must be thread-safe and fast (they are called on every request, sometimes several
 * times); they must not throw for an ordinary "no".
 */
@FunctionalInterface
public interface Authorizer {

    /** True if {@code caller} may do {@code action} on {@code repository}. */
    boolean permits(Caller caller, Action action, RepositoryName repository);

    /** Lets everyone do everything: the default, for tests and trusted networks. */
    static Authorizer allowAll() {
        return (caller, action, repository) -> true;
    }
}
