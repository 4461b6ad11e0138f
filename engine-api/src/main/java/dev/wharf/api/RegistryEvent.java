package dev.wharf.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that changed in the registry, delivered to {@link dev.wharf.spi.RegistryListener}s after the
 * change is committed.
 *
 * @param type       what happened
 * @param repository where it happened
 * @param digest     the blob or manifest concerned, if any
 * @param tag        the tag concerned, if any
 * @param caller     who did it
 * @param time       when the change was committed
 */
public record RegistryEvent(Type type, RepositoryName repository, Optional<Digest> digest, Optional<Tag> tag,
                            Caller caller, Instant time) {

    /** Kinds of change. */
    public enum Type {
        BLOB_UPLOADED, BLOB_MOUNTED, BLOB_DELETED, MANIFEST_PUSHED, MANIFEST_DELETED, TAG_UPDATED, TAG_DELETED
    }

    public RegistryEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(time, "time");
    }
}
