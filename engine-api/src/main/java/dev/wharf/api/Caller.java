package dev.wharf.api;

import java.security.Principal;
import java.util.Optional;

/**
 * Who is asking: the authenticated principal, if any, as established by the embedding server (the
 * servlet container's {@code getUserPrincipal()}, a test, a vendor's own auth). The registry passes it to
 * the {@link dev.wharf.spi.Authorizer} and never authenticates on its own.
 *
 * @param principal the authenticated principal; empty for an anonymous caller
 */
public record Caller(Optional<Principal> principal) {
    private static final Caller ANONYMOUS = new Caller(Optional.empty());

    public Caller {
        java.util.Objects.requireNonNull(principal, "principal");
    }

    /** The unauthenticated caller. */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /** A caller authenticated as {@code principal}. */
    public static Caller of(Principal principal) {
        return new Caller(Optional.of(principal));
    }

    /** True when no principal is known. */
    public boolean isAnonymous() {
        return principal.isEmpty();
    }
}
