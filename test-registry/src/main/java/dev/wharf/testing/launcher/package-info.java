/**
 * The {@code wharf-registry.jar} command: {@link dev.wharf.testing.launcher.Launcher} parses its flags
 * ({@code LauncherOptions}) and serves a {@link dev.wharf.testing.TestRegistry} on this machine until it is
 * stopped, durable under a data directory by default, or backs a stopped registry up ({@code OfflineBackup},
 * {@code --backup-to}) and exits. {@code AccessPolicyFile} reads an access policy file
 * ({@code --access FILE}).
 *
 * <p>The flags, the ready line ({@code Wharf registry listening on http://HOST:PORT (data: DIR|in-memory)}, with
 * {@code https://} when {@code --tls-cert} and {@code --tls-key} are given),
 * the exit statuses and the data directory's layout ({@link dev.wharf.testing.DataLayout}) are what scripts
 * rely on; they do not change. This package uses {@code dev.wharf.testing} and never the other way round, so a
 * test-scope user of the library never loads it.
 */
package dev.wharf.testing.launcher;
