package dev.wharf.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a manifest push.
 *
 * @param digest  the manifest's digest
 * @param tags    the tags now pointing at it (the reference tag and any {@code ?tag=} parameters)
 * @param subject the {@code subject} digest the registry indexed for the referrers API, if any
 */
public record ManifestPushed(Digest digest, List<Tag> tags, Optional<Digest> subject) {
    public ManifestPushed {
        Objects.requireNonNull(digest, "digest");
        tags = List.copyOf(tags);
        Objects.requireNonNull(subject, "subject");
    }
}
