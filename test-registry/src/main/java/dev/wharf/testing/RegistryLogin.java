package dev.wharf.testing;

import dev.wharf.servlet.auth.Authenticator;
import dev.wharf.servlet.auth.BasicAuthenticator;
import dev.wharf.servlet.auth.BearerAuthenticator;
import dev.wharf.servlet.auth.HtpasswdFile;
import dev.wharf.servlet.auth.LoginThrottle;
import dev.wharf.servlet.auth.PasswordVerifier;
import dev.wharf.servlet.auth.TokenIssuer;
import dev.wharf.servlet.auth.TokenServlet;
import dev.wharf.spi.Authorizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link TestRegistry} makes clients log in: not at all (the default), with Basic credentials, or with the
 * registry token flow served by its own token service at {@value TokenServlet#DEFAULT_PATH}. Users are given one by
 * one (kept as bcrypt hashes of the lowest cost, so a registry still starts in milliseconds) or as a
 * {@link PasswordVerifier} such as an htpasswd file. Immutable.
 */
final class RegistryLogin {
    /** The {@code iss} of the tokens a test registry's token service signs. */
    static final String TOKEN_ISSUER = "wharf";
    /** The {@code service} a test registry's challenge names, and the {@code aud} of its tokens. */
    static final String TOKEN_SERVICE = "wharf-registry";
    private static final int TEST_USER_COST = 4;

    /** How clients log in. */
    enum Kind { NONE, BASIC, TOKEN }

    static final RegistryLogin NONE = new RegistryLogin(Kind.NONE, Map.of(), Optional.empty(), false);

    private final Kind kind;
    private final Map<String, String> users;
    private final Optional<PasswordVerifier> passwords;
    private final boolean admitAnonymous;

    private RegistryLogin(Kind kind, Map<String, String> users, Optional<PasswordVerifier> passwords,
                          boolean admitAnonymous) {
        this.kind = kind;
        this.users = users;
        this.passwords = passwords;
        this.admitAnonymous = admitAnonymous;
    }

    /** This login with {@code kind}, and {@code user} added (or given a new password). */
    RegistryLogin withUser(Kind kind, String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a user name must be non-empty and without ':', was '" + user + "'");
        }
        if (passwords.isPresent()) {
            throw new IllegalStateException("users come from the password verifier already given");
        }
        Map<String, String> more = new LinkedHashMap<>(users);
        more.put(user, password);
        return new RegistryLogin(stronger(kind), Map.copyOf(more), passwords, admitAnonymous);
    }

    /** This login with {@code kind}, checking passwords with {@code verifier} instead of given users. */
    RegistryLogin withPasswords(Kind kind, PasswordVerifier verifier) {
        Objects.requireNonNull(verifier, "verifier");
        if (!users.isEmpty()) {
            throw new IllegalStateException("users were given one by one already");
        }
        return new RegistryLogin(stronger(kind), users, Optional.of(verifier), admitAnonymous);
    }

    /** This login with anonymous callers admitted to the authorizer (or not). */
    RegistryLogin admittingAnonymous(boolean admit) {
        return new RegistryLogin(kind, users, passwords, admit);
    }

    /** Token wins over Basic: asking for the token flow once makes the registry speak it. */
    private Kind stronger(Kind asked) {
        return asked.compareTo(kind) > 0 ? asked : kind;
    }

    Kind kind() {
        return kind;
    }

    boolean admitsAnonymous() {
        return admitAnonymous;
    }

    /**
     * The door and the token service (for {@link Kind#TOKEN}) for a registry whose authorizer {@code authorizer}
     * supplies once the engine is built.
     */
    Installed install(Authorizer authorizer) {
        if (kind == Kind.NONE) {
            return new Installed(Authenticator.container(), Optional.empty());
        }
        PasswordVerifier verifier = passwords.orElseGet(this::testUsers);
        LoginThrottle throttle = new LoginThrottle();
        if (kind == Kind.BASIC) {
            return new Installed(BasicAuthenticator.builder(verifier).admitAnonymous(admitAnonymous).throttle(throttle)
                    .build(), Optional.empty());
        }
        TokenIssuer issuer = TokenIssuer.generated(TOKEN_ISSUER, TOKEN_SERVICE, TokenIssuer.DEFAULT_LIFETIME);
        return new Installed(BearerAuthenticator.builder(issuer.verifier()).build(),
                Optional.of(new TokenServlet(issuer, verifier, authorizer, throttle, admitAnonymous)));
    }

    private PasswordVerifier testUsers() {
        List<String> lines = new ArrayList<>();
        users.forEach((user, password) -> lines.add(user + ":" + HtpasswdFile.hash(password.toCharArray(),
                TEST_USER_COST)));
        return HtpasswdFile.parse("the test registry's users", lines);
    }

    /** Names the kind and the users, never a password. */
    @Override
    public String toString() {
        return kind == Kind.NONE ? "no login" : kind.name().toLowerCase(java.util.Locale.ROOT) + " login for "
                + (passwords.isPresent() ? passwords.get().toString() : users.keySet().toString());
    }

    /**
     * What {@link #install} made.
     *
     * @param authenticator the servlet's door
     * @param tokenService  the token service to map at {@value TokenServlet#DEFAULT_PATH}, for the token flow
     */
    record Installed(Authenticator authenticator, Optional<TokenServlet> tokenService) {
    }
}
