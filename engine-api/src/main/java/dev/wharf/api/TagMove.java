package dev.wharf.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of a tag, as kept in its history: where it pointed before ({@code from}, empty when the tag was
 * created) and after ({@code to}, empty when it was deleted).
 *
 * @param tag  the tag
 * @param from the digest it pointed to before, if it existed
 * @param to   the digest it points to after, if it still exists
 * @param at   when the change was committed
 */
public record TagMove(Tag tag, Optional<Digest> from, Optional<Digest> to, Instant at) {
    public TagMove {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
    }

    /** True if the tag's target actually changed. */
    public boolean isChange() {
        return !from.equals(to);
    }
}
