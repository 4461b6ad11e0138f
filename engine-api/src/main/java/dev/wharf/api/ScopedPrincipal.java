package dev.wharf.api;

import java.security.Principal;

/**
 * A principal whose credentials grant only some actions on some repositories, such as a bearer token of the
 * registry token flow and its scopes. The {@link dev.wharf.spi.Authorizer} still decides what the caller may do;
 * the engine also asks the principal wherever it acts on a repository the request did not name: before it takes a
 * blob from another repository for a mount (with or without {@code from}, and for {@code POST ?digest=} with an
 * empty body), it requires that the credentials grant pulling that repository, so a token cannot draw on
 * repositories outside its scopes whatever the authorizer allows.
 */
public interface ScopedPrincipal extends Principal {

    /** True if the credentials grant {@code action} on {@code repository}. */
    boolean grants(Action action, RepositoryName repository);
}
