package dev.wharf.servlet.auth;

/**
 * Checks a user's password: an {@link HtpasswdFile}, or an embedder's own user directory plugged into a
 * {@link BasicAuthenticator} or a {@link TokenServlet}.
 *
 * <p>Contract: thread-safe; returns false (never throws) for an unknown user or a wrong password, and takes the
 * same time for both, so that a client cannot learn which users exist by timing the answer; does not keep or log
 * the password, whose array the caller clears afterwards.
 */
@FunctionalInterface
public interface PasswordVerifier {

    /** True if {@code password} is {@code user}'s. */
    boolean verify(String user, char[] password);
}
