/**
 * A real Wharf registry on a real port, for tests and for local use: {@link dev.wharf.testing.TestRegistry}
 * (start one in a line, close it when done) and {@link dev.wharf.testing.WharfRegistryExtension} (the same,
 * managed by JUnit 5), both started with one {@link dev.wharf.testing.TestRegistryOptions} value. Given a
 * data directory, a registry keeps metadata in RocksDB and blobs in files under it
 * ({@link dev.wharf.testing.DataLayout}), so it survives restarts and crashes. It serves plain HTTP, or HTTPS
 * with PEM files it is given or a throwaway CA it makes at start ({@code PemFiles}, {@code ThrowawayCa}), which
 * clients trust through {@link dev.wharf.testing.TestRegistry#sslContext()}. The
 * {@code wharf-registry.jar} command, which serves one of these from the command line and backs a stopped
 * one up, is in {@link dev.wharf.testing.launcher}.
 *
 * <p>Jetty lives here and nowhere else in Wharf's main code; this module is meant to be a test-scope
 * dependency of its users, so the embedded server never reaches their production class path.
 */
package dev.wharf.testing;
