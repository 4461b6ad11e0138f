package dev.wharf.testing.clients;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An OCI image layout directory (image-layout spec: {@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/<hex>}) that a test writes images into and reads copies out of; skopeo's {@code oci:}
 * transport reads and writes the same format.
 *
 * <p>Manifests and indexes are written pretty-printed, which no Go client would produce when re-encoding
 * JSON: a copy that comes back byte-identical was stored and served as pushed, not rewritten.
 */
final class OciLayout {
    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** The annotation that names an image in {@code index.json}; {@code oci:DIR:NAME} selects by it. */
    static final String REF_NAME = "org.opencontainers.image.ref.name";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    private OciLayout(Path root) {
        this.root = root;
    }

    /** A content-addressed blob: what a descriptor says about it. */
    record Blob(String mediaType, String digest, long size) {
        ObjectNode descriptor() {
            ObjectNode d = JSON.createObjectNode();
            d.put("mediaType", mediaType).put("digest", digest).put("size", size);
            return d;
        }
    }

    /** A new, empty layout in {@code root} (created if needed). */
    static OciLayout create(Path root) {
        try {
            Files.createDirectories(root.resolve("blobs/sha256"));
            Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[]}");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an OCI layout in " + root, e);
        }
        return new OciLayout(root);
    }

    /** A layout some client wrote into {@code root}. */
    static OciLayout open(Path root) {
        if (!Files.isRegularFile(root.resolve("oci-layout")) || !Files.isRegularFile(root.resolve("index.json"))) {
            throw new AssertionError(root + " is not an OCI image layout");
        }
        return new OciLayout(root);
    }

    Path root() {
        return root;
    }

    /** Stores {@code bytes} under their sha256 digest. */
    Blob putBlob(String mediaType, byte[] bytes) {
        String digest = sha256(bytes);
        try {
            Files.write(blobPath(digest), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write blob " + digest, e);
        }
        return new Blob(mediaType, digest, bytes.length);
    }

    /** The bytes of a blob. */
    byte[] blob(String digest) {
        try {
            return Files.readAllBytes(blobPath(digest));
        } catch (IOException e) {
            throw new UncheckedIOException("blob " + digest + " is not in " + root, e);
        }
    }

    /** A blob parsed as JSON. */
    JsonNode json(String digest) {
        return parse(blob(digest));
    }

    /** Every blob's digest, sorted. */
    TreeSet<String> blobDigests() {
        try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
            TreeSet<String> digests = new TreeSet<>();
            files.forEach(f -> digests.add("sha256:" + f.getFileName()));
            return digests;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list blobs of " + root, e);
        }
    }

    /**
     * Writes a linux image for {@code architecture}: {@code layers} gzip layers of random files (each a
     * different size), a config whose {@code diff_ids} match them, and the manifest. Nothing is tagged.
     */
    Blob image(String architecture, int layers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ArrayNode diffIds = JSON.createArrayNode();
        List<Blob> layerBlobs = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put("opt/" + architecture + "/layer-" + i + ".bin", randomBytes(random, 4096 + i * 3000));
            files.put("etc/wharf/layer-" + i + ".txt", ("layer " + i + " of " + seed + "\n").getBytes(StandardCharsets.UTF_8));
            TarLayer layer = TarLayer.of(files);
            diffIds.add(sha256(layer.tar()));
            layerBlobs.add(putBlob(LAYER, layer.gzip()));
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture).put("os", "linux");
        config.putObject("config").putObject("Labels").put("dev.wharf.test.seed", Long.toString(seed));
        config.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
        Blob configBlob = putBlob(CONFIG, compact(config));

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", MANIFEST);
        manifest.set("config", configBlob.descriptor());
        ArrayNode layerArray = manifest.putArray("layers");
        layerBlobs.forEach(l -> layerArray.add(l.descriptor()));
        manifest.putObject("annotations").put("org.opencontainers.image.title", "wharf-" + architecture);
        return putBlob(MANIFEST, pretty(manifest));
    }

    /** Writes an image index over {@code manifests} (architecture to image manifest, all linux). */
    Blob index(Map<String, Blob> manifests) {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2).put("mediaType", INDEX);
        ArrayNode entries = index.putArray("manifests");
        manifests.forEach((architecture, manifest) -> {
            ObjectNode entry = manifest.descriptor();
            entry.putObject("platform").put("architecture", architecture).put("os", "linux");
            entries.add(entry);
        });
        return putBlob(INDEX, pretty(index));
    }

    /** Names {@code blob} in {@code index.json}, so that {@code oci:DIR:name} refers to it. */
    void tag(Blob blob, String name) {
        ObjectNode index = (ObjectNode) readIndex();
        ObjectNode entry = blob.descriptor();
        entry.putObject("annotations").put(REF_NAME, name);
        ((ArrayNode) index.get("manifests")).add(entry);
        try {
            Files.write(root.resolve("index.json"), compact(index));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write index.json of " + root, e);
        }
    }

    /** The {@code index.json} entry named {@code name}, if there is one. */
    Optional<Blob> tagged(String name) {
        for (JsonNode entry : readIndex().path("manifests")) {
            if (name.equals(entry.path("annotations").path(REF_NAME).asText(null))) {
                return Optional.of(new Blob(entry.path("mediaType").asText(), entry.path("digest").asText(),
                        entry.path("size").asLong()));
            }
        }
        return Optional.empty();
    }

    /** {@code index.json}, parsed. */
    JsonNode readIndex() {
        try {
            return parse(Files.readAllBytes(root.resolve("index.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index.json of " + root, e);
        }
    }

    private Path blobPath(String digest) {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("only sha256 blobs are kept here: " + digest);
        }
        return root.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] compact(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
