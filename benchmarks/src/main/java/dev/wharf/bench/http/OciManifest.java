package dev.wharf.bench.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The image documents the harnesses push: a small image config and OCI image manifests that reference it and
 * {@link PatternBlob} layers. Both registries receive exactly these bytes, so a manifest GET can be checked
 * byte for byte and by digest.
 */
public final class OciManifest {
    /** The manifest media type every workload pushes and asks for. */
    public static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

    private OciManifest() {
    }

    /** An image config document (a few dozen bytes of JSON), the same every time. */
    public static byte[] config() {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/usr/bin\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
    }

    /** An OCI image manifest with the given config blob and layers, in order. */
    public static byte[] of(String configDigest, long configSize, List<PatternBlob> layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"").append(MEDIA_TYPE)
                .append("\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"")
                .append(configDigest).append("\",\"size\":").append(configSize).append("},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            PatternBlob layer = layers.get(i);
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",")
                    .append("\"digest\":\"").append(layer.digest()).append("\",\"size\":").append(layer.size()).append('}');
        }
        json.append("],\"annotations\":{\"org.opencontainers.image.title\":\"wharf-bench\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
