package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.testing.WharfRegistryExtension;
import dev.wharf.testing.clients.RegistryReads.Read;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.CopyUtils;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Referrers;
import land.oras.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ORAS Java SDK, a real artifact client: it pushes an artifact with its own {@code artifactType},
 * attaches a signature and an SBOM to it with {@code subject}, finds them through the referrers API (all, and
 * filtered by type), pulls the artifact back, and copies it with its referrers to another repository.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OrasSdkTest {
    private static final String MODEL_TYPE = "application/vnd.wharf.test.model.v1";
    private static final String MODEL_LAYER = "application/vnd.wharf.test.model.layer.v1.tar";
    private static final String SIGNATURE_TYPE = "application/vnd.wharf.test.signature.v1+json";
    private static final String SBOM_TYPE = "application/spdx+json";

    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder().build();

    @TempDir
    Path work;

    private Registry oras;
    private RegistryReads wharf;
    private Set<Path> sdkTempFilesBefore;

    @BeforeEach
    void connect() {
        oras = Registry.builder().insecure().build(); // plain HTTP to 127.0.0.1, no credentials
        wharf = new RegistryReads(registry.baseUri());
        sdkTempFilesBefore = sdkTempFiles();
    }

    /**
     * ORAS 0.2.15 stages every blob it pushes in {@code java.io.tmpdir/oras*layer} and never deletes the file;
     * remove the ones this test made.
     */
    @AfterEach
    void deleteSdkTempFiles() throws IOException {
        for (Path leaked : sdkTempFiles()) {
            if (!sdkTempFilesBefore.contains(leaked)) {
                Files.deleteIfExists(leaked);
            }
        }
    }

    private static Set<Path> sdkTempFiles() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().matches("oras\\d+layer")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tmp, e);
        }
    }

    @Test
    void shouldFindAttachedArtifactsThroughReferrersWhenPushedWithSubject() throws IOException {
        ContainerRef model = ref("oras/models:v1");
        Path weights = file("weights.bin", "model weights ".repeat(2000));
        Manifest pushed = oras.pushArtifact(model, ArtifactType.from(MODEL_TYPE),
                Annotations.ofManifest(Map.of("dev.wharf.test", "model")), LocalPath.of(weights, MODEL_LAYER));

        Read held = wharf.manifest("oras/models", "v1").assertOk("model manifest");
        String modelDigest = held.dockerContentDigest().orElseThrow();
        assertThat(modelDigest).isEqualTo(OciLayout.sha256(held.body())).isEqualTo(pushed.getDigest());
        JsonNode manifest = OciLayout.parse(held.body());
        assertThat(manifest.path("artifactType").asText()).isEqualTo(MODEL_TYPE);
        String layerDigest = manifest.path("layers").get(0).path("digest").asText();
        assertThat(wharf.blob("oras/models", layerDigest).assertOk("layer").body()).isEqualTo(Files.readAllBytes(weights));

        Manifest signature = oras.attachArtifact(model, ArtifactType.from(SIGNATURE_TYPE),
                LocalPath.of(file("signature.json", "{\"signed\":\"" + modelDigest + "\"}"), SIGNATURE_TYPE));
        Manifest sbom = oras.attachArtifact(model, ArtifactType.from(SBOM_TYPE),
                LocalPath.of(file("sbom.json", "{\"spdxVersion\":\"SPDX-2.3\"}"), SBOM_TYPE));
        assertThat(signature.getSubject().getDigest()).isEqualTo(modelDigest);

        Referrers all = oras.getReferrers(model.withDigest(modelDigest), null);
        assertThat(all.getManifests()).extracting(ManifestDescriptor::getDigest)
                .containsExactlyInAnyOrder(signature.getDigest(), sbom.getDigest());
        assertThat(all.getManifests()).extracting(ManifestDescriptor::getArtifactType)
                .containsExactlyInAnyOrder(SIGNATURE_TYPE, SBOM_TYPE);

        Referrers signatures = oras.getReferrers(model.withDigest(modelDigest), ArtifactType.from(SIGNATURE_TYPE));
        assertThat(signatures.getManifests()).extracting(ManifestDescriptor::getDigest)
                .containsExactly(signature.getDigest());

        Path pulled = Files.createDirectories(work.resolve("pulled"));
        oras.pullArtifact(model, pulled, true);
        assertThat(pulled.resolve("weights.bin")).hasSameBinaryContentAs(weights);
    }

    @Test
    void shouldCopyReferrersAlongWhenArtifactIsCopiedRecursively() throws IOException {
        ContainerRef source = ref("oras/source:v1");
        Manifest artifact = oras.pushArtifact(source, ArtifactType.from(MODEL_TYPE),
                LocalPath.of(file("data.bin", "payload ".repeat(500)), MODEL_LAYER));
        Manifest signature = oras.attachArtifact(source, ArtifactType.from(SIGNATURE_TYPE),
                LocalPath.of(file("sig.json", "{\"sig\":1}"), SIGNATURE_TYPE));

        ContainerRef target = ref("oras/target:v1");
        CopyUtils.copy(oras, source, oras, target, true);

        Read copied = wharf.manifest("oras/target", artifact.getDigest()).assertOk("copied artifact");
        assertThat(copied.body()).isEqualTo(wharf.manifest("oras/source", artifact.getDigest()).body());
        Read copiedSignature = wharf.manifest("oras/target", signature.getDigest()).assertOk("copied signature");
        assertThat(copiedSignature.body()).isEqualTo(wharf.manifest("oras/source", signature.getDigest()).body());
        Referrers referrers = oras.getReferrers(target.withDigest(artifact.getDigest()), null);
        assertThat(referrers.getManifests()).extracting(ManifestDescriptor::getDigest)
                .containsExactly(signature.getDigest());

        // ORAS 0.2.15's CopyUtils pushes every referrer it copies under the source's tag, so the target's tag
        // ends on the signature. Wharf stores what the client sends; if this fails, the SDK changed: update
        // the notes in docs/compatibility.md.
        assertThat(wharf.manifest("oras/target", "v1").dockerContentDigest())
                .as("tag v1 in the target repository after CopyUtils.copy")
                .contains(signature.getDigest());
        assertThat(wharf.manifest("oras/source", "v1").dockerContentDigest()).contains(artifact.getDigest());
    }

    private ContainerRef ref(String reference) {
        return ContainerRef.parse(registry.hostPort() + "/" + reference);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(work.resolve(name), content, StandardCharsets.UTF_8);
    }
}
