package dev.wharf.core.manifest;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RegistryException;
import dev.wharf.spi.ManifestRecord;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a pushed manifest and extracts the facts the registry keeps about it (see
 * {@link ManifestRecord}). Accepts OCI image manifests and indexes, Docker schema 2 manifests and manifest
 * lists, with any {@code artifactType}; refuses Docker schema 1 with a message saying so.
 *
 * <p>Rules, in the order they are checked:
 * <ol>
 *   <li>The body is one JSON object (duplicate keys and trailing data refused).</li>
 *   <li>Schema 1 (by media type or {@code schemaVersion: 1}) is refused.</li>
 *   <li>A {@code Content-Type} that is a manifest type must equal the {@code mediaType} field when both are
 *       present (the spec makes clients send them equal).</li>
 *   <li>The kind is the {@code mediaType} field, else the Content-Type, else inferred from the structure
 *       ({@code manifests} means index, {@code config} means image manifest).</li>
 *   <li>Every descriptor has a media type, a valid digest and a non-negative size.</li>
 * </ol>
 *
 * <p>The document is read in one streaming pass that keeps only the fields these rules use ({@link ManifestFields});
 * nothing builds a tree of the whole document. The rules then run in the order above, so that a manifest with
 * several faults is refused for the same one, with the same message, whatever the order of its fields.
 */
public final class ManifestParser {

    private ManifestParser() {
    }

    /**
     * Parses and validates a manifest.
     *
     * @param digest      the digest it will be stored under
     * @param contentType the request's Content-Type, parameters allowed; may be null or empty
     * @param bytes       the exact bytes pushed
     * @throws InvalidManifestException with a message naming the problem
     */
    public static ManifestRecord parse(Digest digest, String contentType, byte[] bytes) {
        return parseDetailed(digest, contentType, bytes).record();
    }

    /**
     * A parsed manifest: the record the registry keeps, and the media types of its config and layers (which the
     * content policy checks but the record does not keep).
     *
     * @param record           what the registry stores
     * @param configMediaType  an image manifest's config media type; empty for an index
     * @param layerMediaTypes  the media types of an image manifest's layers, non-distributable ones included
     */
    public record Parsed(ManifestRecord record, Optional<String> configMediaType, List<String> layerMediaTypes) {
    }

    /** {@link #parse}, with the config and layer media types. */
    public static Parsed parseDetailed(Digest digest, String contentType, byte[] bytes) {
        ManifestFields root = ManifestFields.read(bytes);
        if (!root.isObject) {
            throw invalid("manifest must be a JSON object");
        }
        String declared = text(root.mediaType, "mediaType").orElse("");
        String header = MediaTypes.withoutParameters(contentType);
        if (MediaTypes.isSchema1(declared) || MediaTypes.isSchema1(header) || asInt(root.schemaVersion) == 1) {
            throw invalid("Docker schema 1 manifests are not supported; push a Docker schema 2 or OCI manifest");
        }
        boolean headerIsManifestType = MediaTypes.isManifest(header);
        if (!declared.isEmpty() && headerIsManifestType && !declared.equals(header)) {
            throw invalid("Content-Type '" + header + "' does not match the manifest's mediaType '" + declared + "'");
        }
        String kind = !declared.isEmpty() ? declared
                : headerIsManifestType ? header
                : root.hasManifests ? MediaTypes.OCI_INDEX
                : root.hasConfig ? MediaTypes.OCI_MANIFEST
                : header;
        if (!MediaTypes.isManifest(kind)) {
            throw invalid("unsupported manifest media type '" + kind + "': expected an OCI image manifest or index,"
                    + " or a Docker schema 2 manifest or manifest list");
        }
        if (!(root.schemaVersion instanceof Integer version) || version != 2) {
            throw invalid("schemaVersion must be 2");
        }
        String served = headerIsManifestType ? header : kind;

        Set<Digest> blobs = new LinkedHashSet<>();
        Set<Digest> children = new LinkedHashSet<>();
        Optional<String> artifactType = text(root.artifactType, "artifactType").filter(s -> !s.isEmpty());
        Optional<String> configMediaType = Optional.empty();
        List<String> layerMediaTypes = new ArrayList<>();
        long contentSize = bytes.length;
        if (MediaTypes.isImageManifest(kind)) {
            if (!(root.config instanceof ManifestFields.Descriptor config)) {
                throw invalid("an image manifest needs a 'config' descriptor");
            }
            ParsedDescriptor configDescriptor = descriptor(config, "config");
            blobs.add(configDescriptor.digest());
            contentSize = plus(contentSize, configDescriptor.size());
            configMediaType = Optional.of(configDescriptor.mediaType());
            if (root.layers == null) {
                throw invalid("an image manifest needs a 'layers' array");
            }
            List<Object> layers = root.layers;
            for (int i = 0; i < layers.size(); i++) {
                ParsedDescriptor d = descriptor(layers.get(i), "layers[" + i + "]");
                layerMediaTypes.add(d.mediaType());
                contentSize = plus(contentSize, d.size());
                if (!d.external()) {
                    blobs.add(d.digest());
                }
            }
            if (artifactType.isEmpty()) {
                artifactType = Optional.of(configDescriptor.mediaType());
            }
        } else {
            if (root.manifests == null) {
                throw invalid("an index needs a 'manifests' array");
            }
            List<Object> manifests = root.manifests;
            for (int i = 0; i < manifests.size(); i++) {
                ParsedDescriptor d = descriptor(manifests.get(i), "manifests[" + i + "]");
                children.add(d.digest());
                contentSize = plus(contentSize, d.size());
            }
        }
        Optional<Digest> subject = Optional.empty();
        if (root.subject != null && root.subject != JsonToken.VALUE_NULL) {
            subject = Optional.of(descriptor(root.subject, "subject").digest());
        }
        return new Parsed(new ManifestRecord(new Manifest(digest, served, bytes), blobs, children, subject, artifactType,
                annotations(root), Instant.EPOCH, contentSize), configMediaType, List.copyOf(layerMediaTypes));
    }

    /** {@code a + b}, held at {@link Long#MAX_VALUE} where declared sizes would overflow. */
    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** A descriptor's essentials; {@code external} for foreign layers served from {@code urls}. */
    private record ParsedDescriptor(String mediaType, Digest digest, long size, boolean external) {
    }

    private static ParsedDescriptor descriptor(Object value, String where) {
        if (!(value instanceof ManifestFields.Descriptor node)) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = text(node.mediaType(), "mediaType").filter(s -> !s.isEmpty())
                .orElseThrow(() -> invalid(where + " has no mediaType"));
        String digestText = text(node.digest(), "digest").orElseThrow(() -> invalid(where + " has no digest"));
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (RegistryException e) {
            throw invalid(where + ": " + e.getMessage());
        }
        long size = integral(node.size());
        if (size < 0) {
            throw invalid(where + " needs a non-negative integer size");
        }
        return new ParsedDescriptor(mediaType, digest, size, node.external());
    }

    /**
     * An integer's value as a {@code long}, as Jackson's {@code JsonNode.longValue()} gives it (a larger integer
     * keeps its low 64 bits); -1 for anything that is not an integer.
     */
    private static long integral(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return ((Number) value).longValue();
        }
        return -1;
    }

    /**
     * {@code schemaVersion} read leniently, as Jackson's {@code JsonNode.asInt(2)} reads it for the schema 1
     * check: a number truncated to an int, a string holding a number, {@code true} as 1 and {@code false} or
     * {@code null} as 0; 2 for anything else (absent, an object, an array, a string that is not a number).
     */
    private static int asInt(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value instanceof String string) {
            return NumberInput.parseAsInt(string, 2);
        }
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        return value == JsonToken.VALUE_NULL ? 0 : 2;
    }

    private static Map<String, String> annotations(ManifestFields root) {
        if (root.annotations == null) {
            if (root.annotationsValue == null || root.annotationsValue == JsonToken.VALUE_NULL) {
                return Map.of();
            }
            throw invalid("annotations must be an object of strings");
        }
        if (root.annotationNotString != null) {
            throw invalid("annotation '" + root.annotationNotString + "' must be a string");
        }
        return root.annotations;
    }

    /** A string field: empty when absent or null, refused when of another type. */
    private static Optional<String> text(Object value, String field) {
        if (value == null || value == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (!(value instanceof String string)) {
            throw invalid("'" + field + "' must be a string");
        }
        return Optional.of(string);
    }

    static InvalidManifestException invalid(String message) {
        return new InvalidManifestException(message);
    }

    /**
     * The manifest cannot be stored: malformed JSON, a missing or malformed field, an unsupported media type
     * or Docker schema 1. The message names the problem; the engine reports it as {@code MANIFEST_INVALID}.
     */
    public static final class InvalidManifestException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(String message) {
            super(message);
        }
    }
}
