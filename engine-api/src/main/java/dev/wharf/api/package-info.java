/**
 * Wharf's public Java API: validated domain values ({@link dev.wharf.api.Digest},
 * {@link dev.wharf.api.RepositoryName}, {@link dev.wharf.api.Tag}, {@link dev.wharf.api.Descriptor},
 * {@link dev.wharf.api.RepositoryGlob}, the pattern a configuration names a set of repositories with), the error
 * catalogue ({@link dev.wharf.api.ErrorCode}, {@link dev.wharf.api.RegistryException}) and
 * the {@link dev.wharf.api.Registry} facade an embedder calls with or without HTTP.
 *
 * <p>Values are immutable and validate on construction; absence is {@link java.util.Optional},
 * failure is an unchecked {@link dev.wharf.api.RegistryException} carrying a spec error code (an
 * {@link java.lang.IllegalArgumentException} for a bad configuration value, such as a glob, which no client sends).
 */
package dev.wharf.api;
