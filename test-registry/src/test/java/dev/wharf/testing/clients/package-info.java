/**
 * Real OCI clients against a {@link dev.wharf.testing.TestRegistry}: skopeo (a separate process, driven
 * through {@link dev.wharf.testing.clients.Skopeo}) copying OCI image layouts in and out, and the ORAS Java
 * SDK pushing artifacts and following the referrers API. Jib core lives beside the registry's own tests
 * ({@code JibPushPullTest}).
 *
 * <p>Every test asserts on bytes and digests from both sides: what the client sent, what Wharf holds (read
 * back over plain HTTP), and what the client gets back. Clients that convert formats are checked for what
 * they convert and that Wharf served exactly what they pushed.
 */
package dev.wharf.testing.clients;
