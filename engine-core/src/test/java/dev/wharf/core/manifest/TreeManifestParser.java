package dev.wharf.core.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.wharf.api.Digest;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RegistryException;
import dev.wharf.spi.ManifestRecord;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The manifest parser as it was before the streaming one: the whole document read into a Jackson tree, then
 * checked. Kept in the tests as the oracle that {@link ManifestParser} must agree with, result for result and
 * error for error ({@link ManifestParserEquivalenceTest}).
 */
final class TreeManifestParser {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private TreeManifestParser() {
    }

    /**
     * Parses and validates a manifest.
     *
     * @param digest      the digest it will be stored under
     * @param contentType the request's Content-Type, parameters allowed; may be null or empty
     * @param bytes       the exact bytes pushed
     * @throws ManifestParser.InvalidManifestException with a message naming the problem
     */
    public static ManifestRecord parse(Digest digest, String contentType, byte[] bytes) {
        JsonNode root = readTree(bytes);
        String declared = text(root, "mediaType").orElse("");
        String header = MediaTypes.withoutParameters(contentType);
        if (MediaTypes.isSchema1(declared) || MediaTypes.isSchema1(header)
                || root.path("schemaVersion").asInt(2) == 1) {
            throw invalid("Docker schema 1 manifests are not supported; push a Docker schema 2 or OCI manifest");
        }
        boolean headerIsManifestType = MediaTypes.isManifest(header);
        if (!declared.isEmpty() && headerIsManifestType && !declared.equals(header)) {
            throw invalid("Content-Type '" + header + "' does not match the manifest's mediaType '" + declared + "'");
        }
        String kind = !declared.isEmpty() ? declared
                : headerIsManifestType ? header
                : root.has("manifests") ? MediaTypes.OCI_INDEX
                : root.has("config") ? MediaTypes.OCI_MANIFEST
                : header;
        if (!MediaTypes.isManifest(kind)) {
            throw invalid("unsupported manifest media type '" + kind + "': expected an OCI image manifest or index,"
                    + " or a Docker schema 2 manifest or manifest list");
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        String served = headerIsManifestType ? header : kind;

        Set<Digest> blobs = new LinkedHashSet<>();
        Set<Digest> children = new LinkedHashSet<>();
        Optional<String> artifactType = text(root, "artifactType").filter(s -> !s.isEmpty());
        java.math.BigInteger total = java.math.BigInteger.valueOf(bytes.length);
        if (MediaTypes.isImageManifest(kind)) {
            JsonNode config = root.get("config");
            if (config == null || !config.isObject()) {
                throw invalid("an image manifest needs a 'config' descriptor");
            }
            ParsedDescriptor configDescriptor = descriptor(config, "config");
            blobs.add(configDescriptor.digest());
            total = total.add(java.math.BigInteger.valueOf(configDescriptor.size()));
            JsonNode layers = root.get("layers");
            if (layers == null || !layers.isArray()) {
                throw invalid("an image manifest needs a 'layers' array");
            }
            int i = 0;
            for (JsonNode layer : layers) {
                ParsedDescriptor d = descriptor(layer, "layers[" + i++ + "]");
                total = total.add(java.math.BigInteger.valueOf(d.size()));
                if (!d.external()) {
                    blobs.add(d.digest());
                }
            }
            if (artifactType.isEmpty()) {
                artifactType = Optional.of(configDescriptor.mediaType());
            }
        } else {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) {
                throw invalid("an index needs a 'manifests' array");
            }
            int i = 0;
            for (JsonNode entry : manifests) {
                ParsedDescriptor d = descriptor(entry, "manifests[" + i++ + "]");
                children.add(d.digest());
                total = total.add(java.math.BigInteger.valueOf(d.size()));
            }
        }
        Optional<Digest> subject = Optional.empty();
        JsonNode subjectNode = root.get("subject");
        if (subjectNode != null && !subjectNode.isNull()) {
            subject = Optional.of(descriptor(subjectNode, "subject").digest());
        }
        long contentSize = total.min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
        return new ManifestRecord(new Manifest(digest, served, bytes), blobs, children, subject, artifactType,
                annotations(root), java.time.Instant.EPOCH, contentSize);
    }

    private static JsonNode readTree(byte[] bytes) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw invalid("manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("manifest is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object");
        }
        return root;
    }

    /** A descriptor's essentials; {@code external} for foreign layers served from {@code urls}. */
    private record ParsedDescriptor(String mediaType, Digest digest, long size, boolean external) {
    }

    private static ParsedDescriptor descriptor(JsonNode node, String where) {
        if (!node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = text(node, "mediaType").filter(s -> !s.isEmpty())
                .orElseThrow(() -> invalid(where + " has no mediaType"));
        String digestText = text(node, "digest").orElseThrow(() -> invalid(where + " has no digest"));
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (RegistryException e) {
            throw invalid(where + ": " + e.getMessage());
        }
        JsonNode size = node.get("size");
        if (size == null || !size.isIntegralNumber() || size.longValue() < 0) {
            throw invalid(where + " needs a non-negative integer size");
        }
        JsonNode urls = node.get("urls");
        boolean external = urls != null && urls.isArray() && !urls.isEmpty();
        return new ParsedDescriptor(mediaType, digest, size.longValue(), external);
    }

    private static Map<String, String> annotations(JsonNode root) {
        JsonNode node = root.get("annotations");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid("annotations must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw invalid("annotation '" + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        });
        return out;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return Optional.of(v.textValue());
    }

    private static ManifestParser.InvalidManifestException invalid(String message) {
        return new ManifestParser.InvalidManifestException(message);
    }
}
