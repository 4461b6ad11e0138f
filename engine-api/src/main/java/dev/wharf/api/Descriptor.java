package dev.wharf.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI content descriptor as the registry reports it (referrers listings): media type, digest, size,
 * and the optional artifact type and annotations. Example:
 *
 * <pre>{@code
 * {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:...", "size": 1234,
 *  "artifactType": "application/vnd.example.sbom.v1", "annotations": {"org.example": "x"}}
 * }</pre>
 *
 * @param mediaType    the described content's media type
 * @param digest       the described content's digest
 * @param size         the described content's size in bytes, never negative
 * @param artifactType the artifact type, if any
 * @param annotations  annotations, possibly empty, never null
 */
public record Descriptor(String mediaType, Digest digest, long size, Optional<String> artifactType,
                         Map<String, String> annotations) {

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(artifactType, "artifactType");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        annotations = Map.copyOf(annotations);
    }
}
