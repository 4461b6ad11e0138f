/**
 * Authentication for the registry's HTTP API: the {@link dev.wharf.servlet.auth.Authenticator} SPI, which turns a
 * request into a caller or a challenge, and the built-in ways clients log in.
 * <ul>
 *   <li>{@link dev.wharf.servlet.auth.BasicAuthenticator}: passwords, checked by a
 *       {@link dev.wharf.servlet.auth.PasswordVerifier} such as an {@link dev.wharf.servlet.auth.HtpasswdFile}
 *       (bcrypt only);</li>
 *   <li>{@link dev.wharf.servlet.auth.BearerAuthenticator}: the registry token flow's bearer tokens (JWT, RS256 or
 *       ES256), verified by a {@link dev.wharf.servlet.auth.TokenVerifier} against
 *       {@link dev.wharf.servlet.auth.TokenKeys};</li>
 *   <li>{@link dev.wharf.servlet.auth.TokenServlet}: a token service that issues those tokens
 *       ({@link dev.wharf.servlet.auth.TokenIssuer}) for the scopes the registry's authorizer allows.</li>
 * </ul>
 * The vocabulary is the token flow's: a {@link dev.wharf.servlet.auth.Scope} ({@code repository:team/app:pull,push})
 * is what a challenge names and a token grants ({@link dev.wharf.servlet.auth.Grants}). Authentication says who the
 * caller is; what the caller may do is the engine's {@link dev.wharf.spi.Authorizer}'s decision. Failed logins are
 * slowed by a {@link dev.wharf.servlet.auth.LoginThrottle}. Nothing here logs a password or a token.
 */
package dev.wharf.servlet.auth;
