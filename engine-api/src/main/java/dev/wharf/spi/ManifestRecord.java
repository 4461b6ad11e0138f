package dev.wharf.spi;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A manifest as the {@link MetadataStore} keeps it: the exact bytes plus the facts the engine parsed out
 * of them once, at push time, so that nothing has to parse it again.
 *
 * @param manifest     digest, media type, exact bytes
 * @param blobs        blobs it references (config and layers), which must stay linked while it exists
 * @param children     manifests it references (an index's entries)
 * @param subject      the {@code subject} digest, for the referrers index
 * @param artifactType the artifact type reported in referrers listings (the {@code artifactType} field,
 *                     else the config media type of an image manifest)
 * @param annotations  the manifest's annotations
 * @param pushedAt     when it was pushed ({@link Instant#EPOCH} when unknown); untagged-manifest retention
 *                     counts from here
 * @param contentSize  the manifest's size plus the sizes its descriptors declare (config and layers of an image
 *                     manifest, the entries of an index), as search reports it; the manifest's own size when
 *                     nothing else is known
 */
public record ManifestRecord(Manifest manifest, Set<Digest> blobs, Set<Digest> children, Optional<Digest> subject,
                             Optional<String> artifactType, Map<String, String> annotations, Instant pushedAt,
                             long contentSize) {
    public ManifestRecord {
        Objects.requireNonNull(manifest, "manifest");
        blobs = Set.copyOf(blobs);
        children = Set.copyOf(children);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(artifactType, "artifactType");
        annotations = Map.copyOf(annotations);
        Objects.requireNonNull(pushedAt, "pushedAt");
        if (contentSize < manifest.size()) {
            throw new IllegalArgumentException("contentSize " + contentSize + " is below the manifest's own size "
                    + manifest.size());
        }
    }

    /** A record whose content size is the manifest's own size. */
    public ManifestRecord(Manifest manifest, Set<Digest> blobs, Set<Digest> children, Optional<Digest> subject,
                          Optional<String> artifactType, Map<String, String> annotations, Instant pushedAt) {
        this(manifest, blobs, children, subject, artifactType, annotations, pushedAt, manifest.size());
    }

    /** A record whose push time is not known yet ({@link Instant#EPOCH}). */
    public ManifestRecord(Manifest manifest, Set<Digest> blobs, Set<Digest> children, Optional<Digest> subject,
                          Optional<String> artifactType, Map<String, String> annotations) {
        this(manifest, blobs, children, subject, artifactType, annotations, Instant.EPOCH);
    }

    /** This record, pushed at {@code time}. */
    public ManifestRecord withPushedAt(Instant time) {
        return new ManifestRecord(manifest, blobs, children, subject, artifactType, annotations, time, contentSize);
    }

    public Digest digest() {
        return manifest.digest();
    }

    /** The descriptor this manifest appears as in a referrers listing. */
    public Descriptor referrerDescriptor() {
        return new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), artifactType, annotations);
    }
}
