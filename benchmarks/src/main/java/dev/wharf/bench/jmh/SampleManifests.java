package dev.wharf.bench.jmh;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;

import java.nio.charset.StandardCharsets;

/**
 * Manifest documents shaped like the ones registries serve all day: an OCI image manifest of a few layers
 * with annotations (1-3 KiB), and an OCI index of many platform manifests. Each is made distinct by a
 * number so that loading thousands of them yields thousands of digests.
 */
public final class SampleManifests {
    private static final String[] PLATFORMS = {"amd64", "arm64", "arm", "ppc64le", "s390x", "386", "riscv64"};

    private SampleManifests() {
    }

    /** A deterministic sha256 digest standing for a blob named {@code name}. */
    public static Digest fakeDigest(String name) {
        return DigestAlgorithm.SHA256.digest(name.getBytes(StandardCharsets.UTF_8));
    }

    /** An OCI image manifest with a config, {@code layers} gzip layers and the usual annotations. */
    public static byte[] image(int number, int layers) {
        StringBuilder json = new StringBuilder(512 + layers * 256);
        json.append("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"").append(MediaTypes.OCI_MANIFEST).append("\",\n");
        json.append("  \"config\": {\n    \"mediaType\": \"").append(MediaTypes.OCI_CONFIG).append("\",\n");
        json.append("    \"digest\": \"").append(fakeDigest("config-" + number)).append("\",\n");
        json.append("    \"size\": ").append(1400 + number % 997).append("\n  },\n  \"layers\": [\n");
        for (int i = 0; i < layers; i++) {
            json.append("    {\n      \"mediaType\": \"").append(MediaTypes.OCI_LAYER_TAR_GZIP).append("\",\n");
            json.append("      \"digest\": \"").append(fakeDigest("layer-" + number + "-" + i)).append("\",\n");
            json.append("      \"size\": ").append(3_000_000L + 7919L * i + number).append("\n    }");
            json.append(i + 1 < layers ? ",\n" : "\n");
        }
        json.append("  ],\n  \"annotations\": {\n");
        json.append("    \"org.opencontainers.image.created\": \"2026-11-27T10:00:00Z\",\n");
        json.append("    \"org.opencontainers.image.source\": \"https://example.com/team/app\",\n");
        json.append("    \"org.opencontainers.image.revision\": \"").append(fakeDigest("rev-" + number).encoded(), 0, 40)
                .append("\",\n");
        json.append("    \"org.opencontainers.image.version\": \"1.").append(number).append(".0\"\n  }\n}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An OCI index listing {@code entries} image manifests, one per platform/variant. */
    public static byte[] index(int number, int entries) {
        StringBuilder json = new StringBuilder(256 + entries * 320);
        json.append("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"").append(MediaTypes.OCI_INDEX).append("\",\n");
        json.append("  \"manifests\": [\n");
        for (int i = 0; i < entries; i++) {
            json.append("    {\n      \"mediaType\": \"").append(MediaTypes.OCI_MANIFEST).append("\",\n");
            json.append("      \"digest\": \"").append(fakeDigest("child-" + number + "-" + i)).append("\",\n");
            json.append("      \"size\": ").append(1200 + i).append(",\n");
            json.append("      \"platform\": {\"architecture\": \"").append(PLATFORMS[i % PLATFORMS.length])
                    .append("\", \"os\": \"linux\", \"variant\": \"v").append(i / PLATFORMS.length).append("\"}\n    }");
            json.append(i + 1 < entries ? ",\n" : "\n");
        }
        json.append("  ]\n}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
