package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds manifest documents (OCI image manifest and index, Docker schema 2 manifest and manifest list)
 * as compact JSON bytes, fields in the order they are set.
 *
 * <pre>{@code
 * byte[] m = ManifestJson.ociManifest().config(config).layer(layer).annotation("k", "v").bytes();
 * }</pre>
 */
public final class ManifestJson {
    private final ObjectNode root = Json.object();
    private final String mediaType;

    private ManifestJson(String mediaType) {
        this.mediaType = mediaType;
        root.put("schemaVersion", 2);
        root.put("mediaType", mediaType);
    }

    public static ManifestJson ociManifest() {
        return new ManifestJson(MediaTypes.OCI_MANIFEST);
    }

    public static ManifestJson ociIndex() {
        return new ManifestJson(MediaTypes.OCI_INDEX).emptyArray("manifests");
    }

    public static ManifestJson dockerManifest() {
        return new ManifestJson(MediaTypes.DOCKER_MANIFEST);
    }

    public static ManifestJson dockerList() {
        return new ManifestJson(MediaTypes.DOCKER_LIST).emptyArray("manifests");
    }

    public String mediaType() {
        return mediaType;
    }

    public ManifestJson artifactType(String type) {
        root.put("artifactType", type);
        return this;
    }

    public ManifestJson config(Descriptor config) {
        root.set("config", config.toJson());
        return this;
    }

    public ManifestJson layer(Descriptor layer) {
        if (!root.has("layers")) {
            root.putArray("layers");
        }
        ((ArrayNode) root.get("layers")).add(layer.toJson());
        return this;
    }

    /** An entry of an index or manifest list, with a linux platform for the given architecture. */
    public ManifestJson manifest(Descriptor child, String architecture) {
        ObjectNode entry = child.toJson();
        ObjectNode platform = entry.putObject("platform");
        platform.put("architecture", architecture);
        platform.put("os", "linux");
        ((ArrayNode) root.get("manifests")).add(entry);
        return this;
    }

    public ManifestJson subject(Descriptor subject) {
        root.set("subject", subject.toJson());
        return this;
    }

    public ManifestJson annotation(String key, String value) {
        ObjectNode annotations = root.has("annotations") ? (ObjectNode) root.get("annotations")
                : root.putObject("annotations");
        annotations.put(key, value);
        return this;
    }

    private ManifestJson emptyArray(String field) {
        root.putArray(field);
        return this;
    }

    public byte[] bytes() {
        if (root.has("config") && !root.has("layers")) {
            root.putArray("layers");
        }
        return Json.bytes(root);
    }
}
