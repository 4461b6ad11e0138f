package dev.wharf.core.access;

import java.util.Objects;
import java.util.Optional;

/**
 * Whom an {@link AccessRule} allows: one {@linkplain #user user}, the members of a {@linkplain #group group},
 * the {@linkplain #anonymous() anonymous} caller, every {@linkplain #authenticated() authenticated} caller, or
 * {@linkplain #everyone() everyone} (both of the last two).
 *
 * <p>A user is known by the name of the caller's principal ({@code Principal.getName()}), exactly as the
 * authenticator established it. Immutable; {@link #toString()} is {@code user:NAME}, {@code group:NAME},
 * {@code anonymous}, {@code authenticated} or {@code everyone}.
 */
public final class Subject {

    /** The five kinds of subject. */
    public enum Kind {
        /** One authenticated user, by principal name. */
        USER,
        /** Every user listed in a group of the policy. */
        GROUP,
        /** The caller without a principal. */
        ANONYMOUS,
        /** Every caller with a principal, whatever its name. */
        AUTHENTICATED,
        /** Every caller: anonymous and authenticated. */
        EVERYONE
    }

    private static final Subject ANONYMOUS = new Subject(Kind.ANONYMOUS, null);
    private static final Subject AUTHENTICATED = new Subject(Kind.AUTHENTICATED, null);
    private static final Subject EVERYONE = new Subject(Kind.EVERYONE, null);

    private final Kind kind;
    private final String name;

    private Subject(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /**
     * The authenticated user whose principal is named {@code name}.
     *
     * @throws IllegalArgumentException if the name is null or blank
     */
    public static Subject user(String name) {
        return new Subject(Kind.USER, requireName("user", name));
    }

    /**
     * The members of the policy's group {@code name}; the policy refuses to build if it defines no such group.
     *
     * @throws IllegalArgumentException if the name is null or blank
     */
    public static Subject group(String name) {
        return new Subject(Kind.GROUP, requireName("group", name));
    }

    /** The unauthenticated caller. */
    public static Subject anonymous() {
        return ANONYMOUS;
    }

    /** Any authenticated caller. */
    public static Subject authenticated() {
        return AUTHENTICATED;
    }

    /** Every caller, authenticated or not. */
    public static Subject everyone() {
        return EVERYONE;
    }

    static String requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a " + what + " name must not be empty");
        }
        return name;
    }

    /** Which kind of subject this is. */
    public Kind kind() {
        return kind;
    }

    /** The user's or the group's name; empty for the other kinds. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subject s && s.kind == kind && Objects.equals(s.name, name);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return name == null ? kind.name().toLowerCase(java.util.Locale.ROOT)
                : kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
    }
}
