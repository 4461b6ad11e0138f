package dev.wharf.testing.mirror;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Content pushed straight into an upstream's engine, and a clock the tests move. */
final class MirrorFixtures {
    private MirrorFixtures() {
    }

    /** An image as the upstream holds it: manifest bytes and digest, and each blob by digest. */
    record Image(String repo, String tag, String mediaType, byte[] manifest, String digest,
                 Map<String, byte[]> blobs, List<Image> children) {
    }

    /** Pushes an image with a config and layers of {@code layerSizes} random bytes. */
    static Image pushImage(Registry engine, String repo, String tag, int... layerSizes) {
        return pushImage(engine, Caller.anonymous(), repo, tag, layerSizes);
    }

    /** {@link #pushImage(Registry, String, String, int...)} as {@code caller}. */
    static Image pushImage(Registry engine, Caller caller, String repo, String tag, int... layerSizes) {
        RepositoryName name = RepositoryName.of(repo);
        Map<String, byte[]> blobs = new java.util.LinkedHashMap<>();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"config\":{\"Labels\":{\"id\":\"" + Content.randomId() + "\"}}}").getBytes(StandardCharsets.UTF_8);
        ManifestJson manifest = ManifestJson.ociManifest()
                .config(pushBlob(engine, caller, name, MediaTypes.OCI_CONFIG, config, blobs));
        for (int size : layerSizes) {
            manifest.layer(pushBlob(engine, caller, name, MediaTypes.OCI_LAYER, Content.randomBytes(size), blobs));
        }
        byte[] bytes = manifest.bytes();
        engine.pushManifest(caller, name, Tag.of(tag), MediaTypes.OCI_MANIFEST, bytes, List.of());
        return new Image(repo, tag, MediaTypes.OCI_MANIFEST, bytes, Content.sha256(bytes), blobs, List.of());
    }

    /** Pushes, by digest, an artifact of {@code artifactType} whose subject is {@code subject}. */
    static Image pushReferrer(Registry engine, Image subject, String artifactType) {
        RepositoryName name = RepositoryName.of(subject.repo());
        Map<String, byte[]> blobs = new java.util.LinkedHashMap<>();
        ManifestJson manifest = ManifestJson.ociManifest().artifactType(artifactType)
                .config(pushBlob(engine, name, "application/vnd.oci.empty.v1+json", Content.EMPTY_JSON, blobs))
                .layer(pushBlob(engine, name, "application/octet-stream", Content.randomBytes(500), blobs))
                .subject(new Descriptor(subject.mediaType(), subject.digest(), subject.manifest().length));
        byte[] bytes = manifest.bytes();
        String digest = Content.sha256(bytes);
        engine.pushManifest(Caller.anonymous(), name, Digest.parse(digest), MediaTypes.OCI_MANIFEST, bytes, List.of());
        return new Image(subject.repo(), digest, MediaTypes.OCI_MANIFEST, bytes, digest, blobs, List.of());
    }

    /** Pushes two images by digest and an index of them under {@code tag}. */
    static Image pushIndex(Registry engine, String repo, String tag) {
        RepositoryName name = RepositoryName.of(repo);
        List<Image> children = new ArrayList<>();
        ManifestJson index = ManifestJson.ociIndex();
        for (String arch : List.of("amd64", "arm64")) {
            Image child = pushImage(engine, repo, "child-" + arch, 1500, 70_000);
            engine.deleteManifest(Caller.anonymous(), name, Tag.of("child-" + arch)); // reachable by digest only
            children.add(child);
            index.manifest(new Descriptor(MediaTypes.OCI_MANIFEST, child.digest(), child.manifest().length), arch);
        }
        byte[] bytes = index.bytes();
        engine.pushManifest(Caller.anonymous(), name, Tag.of(tag), MediaTypes.OCI_INDEX, bytes, List.of());
        return new Image(repo, tag, MediaTypes.OCI_INDEX, bytes, Content.sha256(bytes), Map.of(), children);
    }

    private static Descriptor pushBlob(Registry engine, RepositoryName repo, String mediaType, byte[] bytes,
                                       Map<String, byte[]> into) {
        return pushBlob(engine, Caller.anonymous(), repo, mediaType, bytes, into);
    }

    private static Descriptor pushBlob(Registry engine, Caller caller, RepositoryName repo, String mediaType,
                                       byte[] bytes, Map<String, byte[]> into) {
        Digest digest = Digest.parse(Content.sha256(bytes));
        engine.pushBlob(caller, repo, digest, UploadChunk.of(bytes));
        into.put(digest.toString(), bytes);
        return Descriptor.of(mediaType, bytes);
    }

    /** A clock that stands still until moved. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
