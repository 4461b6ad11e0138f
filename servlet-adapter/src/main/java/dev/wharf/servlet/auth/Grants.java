package dev.wharf.servlet.auth;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What an authenticated request may ask for at the door, before the registry's
 * {@link dev.wharf.spi.Authorizer} decides repository by repository. A password proves who the caller is and
 * limits nothing ({@link #unlimited()}); a bearer token grants exactly the scopes in its {@code access} claim
 * ({@link #of}), and a request that needs more is answered {@code 401} with a challenge naming the scopes it
 * needs, so that the client fetches a token for them.
 */
public final class Grants {
    private static final Grants UNLIMITED = new Grants(List.of(), true);

    private final List<Scope> scopes;
    private final boolean unlimited;

    private Grants(List<Scope> scopes, boolean unlimited) {
        this.scopes = scopes;
        this.unlimited = unlimited;
    }

    /** Limits nothing: the authorizer alone decides (password logins, the container's own authentication). */
    public static Grants unlimited() {
        return UNLIMITED;
    }

    /** Exactly {@code scopes}: a token's {@code access} claim. */
    public static Grants of(Collection<Scope> scopes) {
        return new Grants(List.copyOf(Objects.requireNonNull(scopes, "scopes")), false);
    }

    /** True if some granted scope covers {@code needed}. */
    public boolean covers(Scope needed) {
        if (unlimited) {
            return true;
        }
        for (Scope granted : scopes) {
            if (granted.covers(needed)) {
                return true;
            }
        }
        return false;
    }

    /** True if every scope of {@code needed} is {@linkplain #covers(Scope) covered}. */
    public boolean coversAll(List<Scope> needed) {
        for (Scope scope : needed) {
            if (!covers(scope)) {
                return false;
            }
        }
        return true;
    }

    /** The granted scopes; empty when {@linkplain #unlimited() unlimited}. */
    public List<Scope> scopes() {
        return scopes;
    }

    /** True for {@link #unlimited()}. */
    public boolean isUnlimited() {
        return unlimited;
    }

    @Override
    public String toString() {
        return unlimited ? "Grants[unlimited]" : "Grants" + scopes;
    }
}
