/**
 * A real Wharf registry on a real port, for tests and for local use: {@link dev.wharf.testing.TestRegistry}
 * (start one in a line, close it when done), {@link dev.wharf.testing.WharfRegistryExtension} (the same,
 * managed by JUnit 5), both started with one {@link dev.wharf.testing.TestRegistryOptions} value, and
 * {@link dev.wharf.testing.Launcher} (the {@code wharf-registry.jar} command).
 * Given a data directory, both keep metadata in RocksDB and blobs in files under it ({@code DataLayout}),
 * so a registry survives restarts and crashes; the launcher can also back a stopped one up
 * ({@code OfflineBackup}).
 *
 * <p>Jetty lives here and nowhere else in Wharf's main code; this module is meant to be a test-scope
 * dependency of its users, so the embedded server never reaches their production class path.
 */
package dev.wharf.testing;
