/**
 * Access control as data: {@link dev.wharf.core.access.AccessPolicy}, an {@link dev.wharf.spi.Authorizer} made of
 * groups of users and rules that allow a {@link dev.wharf.core.access.Subject} some actions on the repositories a
 * {@link dev.wharf.api.RepositoryGlob} matches. Deny by default, allow rules only. It knows nothing of how a
 * caller was authenticated: it reads the principal's name from the {@link dev.wharf.api.Caller} the adapter or
 * a token service hands it, and it knows nothing of files (the launcher reads those).
 */
package dev.wharf.core.access;
