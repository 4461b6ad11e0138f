package dev.wharf.api;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A condition on what a manifest reference points to before a push may change it: the Java form of HTTP
 * {@code If-Match} / {@code If-None-Match} with entity tags that are manifest digests. Lets concurrent
 * writers move a tag without losing each other's updates (compare-and-set).
 *
 * <p>An empty set means {@code *}. {@code ifMatch} holds when the reference exists and (for a non-empty
 * set) points to one of the digests; {@code ifNoneMatch} holds when the reference does not exist or (for
 * a non-empty set) points to none of them. Both must hold when both are given.
 *
 * @param ifMatch     digests (as strings) the reference must point to; empty set for "must exist"
 * @param ifNoneMatch digests the reference must not point to; empty set for "must not exist"
 */
public record Precondition(Optional<Set<String>> ifMatch, Optional<Set<String>> ifNoneMatch) {
    private static final Precondition NONE = new Precondition(Optional.empty(), Optional.empty());

    public Precondition {
        ifMatch = Objects.requireNonNull(ifMatch, "ifMatch").map(Set::copyOf);
        ifNoneMatch = Objects.requireNonNull(ifNoneMatch, "ifNoneMatch").map(Set::copyOf);
    }

    /** No condition. */
    public static Precondition none() {
        return NONE;
    }

    /** Only if the reference currently points to {@code digest}. */
    public static Precondition ifMatch(Digest digest) {
        return new Precondition(Optional.of(Set.of(digest.toString())), Optional.empty());
    }

    /** Only if the reference does not exist yet ({@code If-None-Match: *}). */
    public static Precondition ifAbsent() {
        return new Precondition(Optional.empty(), Optional.of(Set.of()));
    }

    /** True if a reference currently pointing to {@code current} (empty: absent) satisfies the condition. */
    public boolean test(Optional<Digest> current) {
        Optional<String> value = current.map(Digest::toString);
        if (ifMatch.isPresent()) {
            Set<String> tags = ifMatch.get();
            if (value.isEmpty() || !tags.isEmpty() && !tags.contains(value.get())) {
                return false;
            }
        }
        if (ifNoneMatch.isPresent()) {
            Set<String> tags = ifNoneMatch.get();
            if (value.isPresent() && (tags.isEmpty() || tags.contains(value.get()))) {
                return false;
            }
        }
        return true;
    }

    /** True when there is nothing to check. */
    public boolean isNone() {
        return ifMatch.isEmpty() && ifNoneMatch.isEmpty();
    }
}
