package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.testing.WharfRegistryExtension;
import dev.wharf.testing.clients.OciLayout.Blob;
import dev.wharf.testing.clients.RegistryReads.Read;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * skopeo copies OCI image layouts into Wharf and back out: a multi-layer image and a three-platform index,
 * as OCI (digests preserved, every byte compared on both sides) and converted to Docker schema 2 by skopeo
 * ({@code --format v2s2}: Wharf must hold exactly the manifests skopeo wrote, under their own digests).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SkopeoCopyTest {
    private static final List<String> PLATFORMS = List.of("amd64", "arm64", "s390x");

    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder().build();

    @TempDir
    Path work;

    private Skopeo skopeo;
    private RegistryReads wharf;
    private OciLayout source;
    private Blob image;
    private Blob index;

    @BeforeEach
    void arrange() {
        skopeo = Skopeo.orSkip(work);
        wharf = new RegistryReads(registry.baseUri());
        source = OciLayout.create(work.resolve("source"));
        image = source.image("amd64", 3, 1);
        source.tag(image, "app");
        Map<String, Blob> platforms = new LinkedHashMap<>();
        for (int i = 0; i < PLATFORMS.size(); i++) {
            platforms.put(PLATFORMS.get(i), source.image(PLATFORMS.get(i), 2, 100 + i));
        }
        index = source.index(platforms);
        source.tag(index, "multi");
    }

    @Test
    void shouldReturnEveryByteWhenImageIsCopiedInAndOutAsOci() {
        String repo = "skopeo/oci-image";
        skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + source.root() + ":app", docker(repo, "1.0")).assertSuccess();

        assertWharfHoldsExactly(repo, "1.0", image);
        assertBlobsServed(repo, source.json(image.digest()));

        OciLayout out = copyOut(repo + "@" + image.digest(), "app", false);
        assertThat(out.tagged("app")).contains(image);
        assertSameBlobs(out, referencedBy(source, image));
    }

    @Test
    void shouldReturnIndexAndEveryPlatformWhenCopiedInAndOutWithAll() {
        String repo = "skopeo/oci-index";
        skopeo.run("copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + source.root() + ":multi", docker(repo, "1.0")).assertSuccess();

        assertWharfHoldsExactly(repo, "1.0", index);
        for (JsonNode child : source.json(index.digest()).path("manifests")) {
            Read manifest = wharf.manifest(repo, child.path("digest").asText()).assertOk("platform manifest");
            assertThat(manifest.body()).isEqualTo(source.blob(child.path("digest").asText()));
            assertBlobsServed(repo, OciLayout.parse(manifest.body()));
        }

        OciLayout out = copyOut(repo + ":1.0", "multi", true);
        assertThat(out.tagged("multi")).contains(index);
        assertSameBlobs(out, referencedBy(source, index));
    }

    @Test
    void shouldCopyOnlyTheChosenPlatformWhenIndexIsCopiedWithoutAll() {
        String repo = "skopeo/one-platform";
        skopeo.run("--override-arch", "arm64", "copy", "--dest-tls-verify=false",
                "oci:" + source.root() + ":multi", docker(repo, "arm")).assertSuccess();

        Blob arm64 = platformManifest(source, index, "arm64");
        assertWharfHoldsExactly(repo, "arm", arm64);
        assertThat(wharf.manifest(repo, index.digest()).status()).isEqualTo(404);
    }

    @Test
    void shouldHoldSkopeosDockerManifestWhenImageIsConvertedToV2s2() throws Exception {
        String repo = "skopeo/v2s2-image";
        skopeo.run("copy", "--format", "v2s2", "--dest-tls-verify=false",
                "oci:" + source.root() + ":app", docker(repo, "1.0")).assertSuccess();

        Read held = wharf.manifest(repo, "1.0").assertOk("converted manifest");
        assertSelfConsistent(held, OciLayout.DOCKER_MANIFEST);
        JsonNode docker = OciLayout.parse(held.body());
        JsonNode oci = source.json(image.digest());
        assertThat(docker.path("config").path("mediaType").asText()).isEqualTo("application/vnd.docker.container.image.v1+json");
        assertThat(docker.path("config").path("digest")).isEqualTo(oci.path("config").path("digest"));
        assertThat(digests(docker.path("layers"))).isEqualTo(digests(oci.path("layers")));
        assertBlobsServed(repo, docker);

        // dir: keeps a manifest as it is: what comes back is what Wharf holds, byte for byte.
        String digest = held.dockerContentDigest().orElseThrow();
        Path dir = work.resolve("dir-copy");
        skopeo.run("copy", "--preserve-digests", "--src-tls-verify=false", docker(repo + "@" + digest), "dir:" + dir)
                .assertSuccess();
        assertThat(Files.readAllBytes(dir.resolve("manifest.json"))).isEqualTo(held.body());

        // An OCI layout cannot hold a Docker manifest: skopeo converts it back, keeping config and layers.
        OciLayout out = copyOut(repo + ":1.0", "app", false);
        Blob back = out.tagged("app").orElseThrow();
        assertThat(back.mediaType()).isEqualTo(OciLayout.MANIFEST);
        JsonNode backManifest = out.json(back.digest());
        assertThat(backManifest.path("config").path("digest")).isEqualTo(oci.path("config").path("digest"));
        assertThat(digests(backManifest.path("layers"))).isEqualTo(digests(oci.path("layers")));
        for (String blob : referencedBy(source, image)) {
            if (!blob.equals(image.digest())) {
                assertThat(out.blob(blob)).as("blob %s", blob).isEqualTo(source.blob(blob));
            }
        }
    }

    @Test
    void shouldHoldSkopeosManifestListWhenIndexIsConvertedToV2s2() {
        String repo = "skopeo/v2s2-list";
        skopeo.run("copy", "--all", "--format", "v2s2", "--dest-tls-verify=false",
                "oci:" + source.root() + ":multi", docker(repo, "1.0")).assertSuccess();

        Read list = wharf.manifest(repo, "1.0").assertOk("manifest list");
        assertSelfConsistent(list, OciLayout.DOCKER_LIST);
        JsonNode entries = OciLayout.parse(list.body()).path("manifests");
        List<String> architectures = new ArrayList<>();
        for (JsonNode entry : entries) {
            architectures.add(entry.path("platform").path("architecture").asText());
            Read child = wharf.manifest(repo, entry.path("digest").asText()).assertOk("platform manifest");
            assertSelfConsistent(child, OciLayout.DOCKER_MANIFEST);
            assertThat(child.body()).hasSize(entry.path("size").asInt());
            JsonNode docker = OciLayout.parse(child.body());
            JsonNode original = source.json(platformManifest(source, index,
                    entry.path("platform").path("architecture").asText()).digest());
            assertThat(docker.path("config").path("digest")).isEqualTo(original.path("config").path("digest"));
            assertThat(digests(docker.path("layers"))).isEqualTo(digests(original.path("layers")));
            assertBlobsServed(repo, docker);
        }
        assertThat(architectures).isEqualTo(PLATFORMS);

        OciLayout out = copyOut(repo + ":1.0", "multi", true);
        Blob back = out.tagged("multi").orElseThrow();
        assertThat(back.mediaType()).isEqualTo(OciLayout.INDEX);
        assertThat(out.json(back.digest()).path("manifests")).hasSize(PLATFORMS.size());
    }

    @Test
    void shouldKeepEveryDigestWhenCopyingBetweenRepositoriesOfOneRegistry() {
        skopeo.run("copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + source.root() + ":multi", docker("skopeo/mount-source", "1.0")).assertSuccess();

        skopeo.run("copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                docker("skopeo/mount-source", "1.0"), docker("skopeo/mount-target", "copied")).assertSuccess();

        assertWharfHoldsExactly("skopeo/mount-target", "copied", index);
        for (Blob content : contentOf(source, index)) {
            boolean manifest = content.mediaType().equals(OciLayout.INDEX) || content.mediaType().equals(OciLayout.MANIFEST);
            Read read = manifest ? wharf.manifest("skopeo/mount-target", content.digest())
                    : wharf.blob("skopeo/mount-target", content.digest());
            assertThat(read.status()).as("%s in the target repository", content).isEqualTo(200);
            assertThat(read.body()).isEqualTo(source.blob(content.digest()));
        }
    }

    // ---- helpers ----

    private String docker(String repository, String tag) {
        return docker(repository + ":" + tag);
    }

    private String docker(String reference) {
        return "docker://" + registry.hostPort() + "/" + reference;
    }

    private OciLayout copyOut(String reference, String name, boolean all) {
        Path dir = work.resolve("out-" + name + "-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("copy", "--src-tls-verify=false"));
        if (all) {
            args.add("--all");
        }
        args.addAll(List.of(docker(reference), "oci:" + dir + ":" + name));
        skopeo.run(args.toArray(String[]::new)).assertSuccess();
        return OciLayout.open(dir);
    }

    /** Wharf serves {@code expected}'s exact bytes by tag and by digest, under its digest and media type. */
    private void assertWharfHoldsExactly(String repo, String tag, Blob expected) {
        for (String reference : List.of(tag, expected.digest())) {
            Read read = wharf.manifest(repo, reference).assertOk(repo + ":" + reference);
            assertThat(read.body()).as("manifest %s:%s", repo, reference).isEqualTo(source.blob(expected.digest()));
            assertThat(read.dockerContentDigest()).contains(expected.digest());
            assertThat(read.contentType()).contains(expected.mediaType());
        }
    }

    /** The served manifest's digest header is the digest of the served bytes; the media type is as expected. */
    private static void assertSelfConsistent(Read manifest, String mediaType) {
        assertThat(manifest.dockerContentDigest()).contains(OciLayout.sha256(manifest.body()));
        assertThat(manifest.contentType()).contains(mediaType);
        assertThat(OciLayout.parse(manifest.body()).path("mediaType").asText()).isEqualTo(mediaType);
    }

    /** Every blob {@code manifest} references is served by Wharf with the digest and size it claims. */
    private void assertBlobsServed(String repo, JsonNode manifest) {
        List<JsonNode> descriptors = new ArrayList<>();
        descriptors.add(manifest.path("config"));
        manifest.path("layers").forEach(descriptors::add);
        for (JsonNode d : descriptors) {
            String digest = d.path("digest").asText();
            Read blob = wharf.blob(repo, digest).assertOk(digest);
            assertThat(OciLayout.sha256(blob.body())).isEqualTo(digest);
            assertThat((long) blob.body().length).isEqualTo(d.path("size").asLong());
            assertThat(blob.body()).isEqualTo(source.blob(digest));
        }
    }

    /** Every blob of {@code out} named in {@code expected} has the source's bytes, and there is no other. */
    private void assertSameBlobs(OciLayout out, List<String> expected) {
        assertThat(out.blobDigests()).containsExactlyInAnyOrderElementsOf(expected);
        for (String digest : expected) {
            assertThat(out.blob(digest)).as("blob %s", digest).isEqualTo(source.blob(digest));
        }
    }

    /** The digests of {@code root} and everything it references, transitively: manifests, configs, layers. */
    private static List<String> referencedBy(OciLayout layout, Blob root) {
        return contentOf(layout, root).stream().map(Blob::digest).toList();
    }

    /** {@code root} and everything it references, transitively, with their media types. */
    private static List<Blob> contentOf(OciLayout layout, Blob root) {
        List<Blob> out = new ArrayList<>();
        out.add(root);
        JsonNode json = layout.json(root.digest());
        for (JsonNode child : json.path("manifests")) {
            out.addAll(contentOf(layout, blob(child)));
        }
        if (json.has("config")) {
            out.add(blob(json.path("config")));
        }
        json.path("layers").forEach(l -> out.add(blob(l)));
        return out;
    }

    private static Blob blob(JsonNode descriptor) {
        return new Blob(descriptor.path("mediaType").asText(), descriptor.path("digest").asText(),
                descriptor.path("size").asLong());
    }

    private static Blob platformManifest(OciLayout layout, Blob index, String architecture) {
        for (JsonNode entry : layout.json(index.digest()).path("manifests")) {
            if (architecture.equals(entry.path("platform").path("architecture").asText())) {
                return blob(entry);
            }
        }
        throw new AssertionError("no " + architecture + " manifest in " + index);
    }

    private static List<String> digests(JsonNode descriptors) {
        List<String> out = new ArrayList<>();
        descriptors.forEach(d -> out.add(d.path("digest").asText()));
        return out;
    }
}
