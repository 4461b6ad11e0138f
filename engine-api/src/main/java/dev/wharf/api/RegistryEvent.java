package dev.wharf.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Something that changed in the registry, delivered to {@link dev.wharf.spi.RegistryListener}s after the
 * change is committed: exactly one event per committed change of a blob link, blob, manifest or tag,
 * whether a client made it or garbage collection did, and one when such a change creates or empties a
 * repository. Pushes refused by a quota or the content policy are reported too ({@link Type#QUOTA_REFUSED},
 * {@link Type#CONTENT_REFUSED}), for audit, though they change nothing.
 *
 * @param type         what happened
 * @param origin       who made the change happen: a client's request or the registry's own maintenance
 * @param repository   where it happened; empty only for {@link Type#BLOB_COLLECTED} (bytes no repository links)
 * @param digest       the blob or manifest concerned; empty for repository events
 * @param tag          the tag concerned, if any
 * @param mediaType    the manifest's media type, for manifest and tag events
 * @param artifactType the manifest's artifact type, for manifest and tag events, when it has one
 * @param size         the blob's or manifest's size in bytes, when the event concerns one
 * @param caller       who did it ({@link Caller#anonymous()} for maintenance)
 * @param time         when the change was committed
 * @param sequence     the event's place in the registry's event log ({@link dev.wharf.spi.EventLog}), counting
 *                     from 1 in the order the changes committed; 0 when the metadata store keeps no log
 */
public record RegistryEvent(Type type, Origin origin, Optional<RepositoryName> repository, Optional<Digest> digest,
                            Optional<Tag> tag, Optional<String> mediaType, Optional<String> artifactType,
                            OptionalLong size, Caller caller, Instant time, long sequence) {

    /** Kinds of change. */
    public enum Type {
        /** Blob bytes were uploaded and linked into the repository. */
        BLOB_UPLOADED,
        /** A blob stored elsewhere was linked into the repository without upload. */
        BLOB_MOUNTED,
        /** A blob was unlinked from the repository (its bytes stay while anything else needs them). */
        BLOB_DELETED,
        /** Garbage collection reclaimed the bytes of a blob nothing referenced. */
        BLOB_COLLECTED,
        /** A manifest was stored. */
        MANIFEST_PUSHED,
        /** A manifest was removed, by a client or by garbage collection (untagged-manifest retention). */
        MANIFEST_DELETED,
        /** A tag was created or moved. */
        TAG_UPDATED,
        /** A tag was removed, alone or with the manifest it pointed at. */
        TAG_DELETED,
        /**
         * A repository came to hold something (its first blob link or manifest); reported before the events of
         * the change that created it, with that change's origin, caller and time.
         */
        REPOSITORY_CREATED,
        /**
         * A repository was left holding nothing (its last blob link or manifest went); reported after the events of
         * the change that emptied it.
         */
        REPOSITORY_EMPTIED,
        /**
         * A push was refused because it would cross a quota; nothing changed. Carries the repository, the blob's
         * digest when known, and in {@code size} what the push would have added to the scope.
         */
        QUOTA_REFUSED,
        /**
         * A manifest push was refused by the content policy; nothing changed. Carries the repository, the
         * manifest's digest, and the refused value: in {@code artifactType} when the artifact type was refused,
         * else in {@code mediaType} (the manifest's, its config's or a layer's media type).
         */
        CONTENT_REFUSED;

        /** {@link #cloudEventType()}, computed once: each webhook request and events page names it. */
        private final String cloudEventType = dotted(name());

        private static String dotted(String name) {
            String[] parts = name.toLowerCase(java.util.Locale.ROOT).split("_", 2);
            return "dev.wharf." + parts[0] + "." + parts[1];
        }

        /**
         * The name webhooks and the events endpoint give this kind: {@code dev.wharf.} and the kind in dotted lower
         * case ({@code dev.wharf.manifest.pushed}), the CloudEvents {@code type}.
         */
        public String cloudEventType() {
            return cloudEventType;
        }
    }

    /** Who made a change happen. */
    public enum Origin {
        /** A request on behalf of {@link #caller()}. */
        CLIENT,
        /** Garbage collection. */
        GARBAGE_COLLECTION,
        /** A pull-through mirror storing what it fetched from an upstream for {@link #caller()}'s pull. */
        MIRROR
    }

    public RegistryEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(artifactType, "artifactType");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(time, "time");
        if (repository.isEmpty() != (type == Type.BLOB_COLLECTED)) {
            throw new IllegalArgumentException("only BLOB_COLLECTED events have no repository: " + type);
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative: " + sequence);
        }
    }

    /** An event not (yet) in an event log: sequence 0. */
    public RegistryEvent(Type type, Origin origin, Optional<RepositoryName> repository, Optional<Digest> digest,
                         Optional<Tag> tag, Optional<String> mediaType, Optional<String> artifactType,
                         OptionalLong size, Caller caller, Instant time) {
        this(type, origin, repository, digest, tag, mediaType, artifactType, size, caller, time, 0);
    }

    /** This event as recorded at {@code number} in the event log. */
    public RegistryEvent withSequence(long number) {
        return new RegistryEvent(type, origin, repository, digest, tag, mediaType, artifactType, size, caller, time,
                number);
    }
}
