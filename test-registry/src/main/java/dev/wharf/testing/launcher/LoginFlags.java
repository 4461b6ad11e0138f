package dev.wharf.testing.launcher;

import dev.wharf.core.access.AccessPolicy;
import dev.wharf.servlet.auth.HtpasswdFile;
import dev.wharf.testing.TestRegistryOptions;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The launcher's login flags, validated together:
 * <ul>
 *   <li>{@code --htpasswd FILE}: require Basic credentials of the users in FILE (bcrypt, as {@code htpasswd -B}
 *       writes);</li>
 *   <li>{@code --token-auth}: with {@code --htpasswd}, run the token service at {@code /token} and require its
 *       bearer tokens instead (the token flow docker, podman, skopeo and containerd speak);</li>
 *   <li>{@code --anonymous-pull GLOB} (repeatable): let callers without credentials pull (and list) the
 *       repositories GLOB matches;</li>
 *   <li>{@code --access FILE}: who may do what, as an access policy file; without it every user in the htpasswd
 *       file may do everything.</li>
 * </ul>
 *
 * @param htpasswd     the users' file
 * @param tokenAuth    whether the token flow is on
 * @param anonymousPull repository globs anonymous callers may pull
 * @param access       the access policy file
 */
record LoginFlags(Optional<Path> htpasswd, boolean tokenAuth, List<String> anonymousPull, Optional<Path> access) {
    static final LoginFlags NONE = new LoginFlags(Optional.empty(), false, List.of(), Optional.empty());

    LoginFlags {
        Objects.requireNonNull(htpasswd, "htpasswd");
        Objects.requireNonNull(access, "access");
        anonymousPull = List.copyOf(anonymousPull);
    }

    /**
     * Checks that the flags make sense together, and reads nothing yet.
     *
     * @throws IllegalArgumentException saying which flag needs which
     */
    LoginFlags validated() {
        if (htpasswd.isEmpty()) {
            List<String> needing = new ArrayList<>();
            if (tokenAuth) {
                needing.add("--token-auth");
            }
            if (!anonymousPull.isEmpty()) {
                needing.add("--anonymous-pull");
            }
            if (access.isPresent()) {
                needing.add("--access");
            }
            if (!needing.isEmpty()) {
                throw new IllegalArgumentException(String.join(", ", needing) + " need"
                        + (needing.size() == 1 ? "s" : "") + " --htpasswd FILE: without users nobody logs in");
            }
        }
        for (String glob : anonymousPull) {
            dev.wharf.api.RepositoryGlob.parse(glob); // a bad glob is a bad command line, not a failed start
        }
        return this;
    }

    /** True when clients must log in. */
    boolean enabled() {
        return htpasswd.isPresent();
    }

    /**
     * {@code options} with these logins: reads the htpasswd and access files, and sets the engine's authorizer.
     *
     * @throws IllegalArgumentException for a file that is missing, unreadable or wrong, naming it
     */
    TestRegistryOptions applyTo(TestRegistryOptions options) {
        if (htpasswd.isEmpty()) {
            return options;
        }
        HtpasswdFile users;
        try {
            users = HtpasswdFile.read(htpasswd.get());
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        AccessPolicy.Builder policy = access.map(AccessPolicyFile::read).orElseGet(AccessPolicy::allowAllAuthenticated)
                .toBuilder();
        anonymousPull.forEach(policy::anonymousPull);
        AccessPolicy built = policy.build();
        TestRegistryOptions secured = tokenAuth ? options.withTokenAuth(users) : options.withBasicAuth(users);
        return secured.withAnonymousAccess(built.allowsAnonymous()).withEngine(engine -> engine.authorizer(built));
    }

    /** How the launcher's ready line describes the login. */
    String describe() {
        if (htpasswd.isEmpty()) {
            return "no login";
        }
        return (tokenAuth ? "token login" : "Basic login") + " (" + htpasswd.get().getFileName() + ")"
                + (anonymousPull.isEmpty() ? "" : ", anonymous pull of " + String.join(" ", anonymousPull));
    }
}
