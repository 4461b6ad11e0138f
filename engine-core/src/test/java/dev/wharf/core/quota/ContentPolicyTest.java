package dev.wharf.core.quota;

import dev.wharf.api.Caller;
import dev.wharf.api.ContentRule;
import dev.wharf.api.ContentRule.Field;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The content policy through the engine: each field refused by a deny rule and by an allow list, per namespace,
 * with 415 UNSUPPORTED naming the field and value and nothing stored.
 */
class ContentPolicyTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("team/app");
    private static final RepositoryName OPEN = RepositoryName.of("open/app");
    private static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    private static final String FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    private static Digest blob(Registry registry, RepositoryName repo, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Digest digest = DigestAlgorithm.SHA256.digest(bytes);
        registry.pushBlob(ME, repo, digest, UploadChunk.of(bytes));
        return digest;
    }

    private static byte[] manifest(Registry registry, RepositoryName repo, String configType, String layerType,
                                   Optional<String> artifactType) {
        Digest config = blob(registry, repo, "{}");
        Digest layer = blob(registry, repo, "layer");
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\""
                + artifactType.map(t -> ",\"artifactType\":\"" + t + "\"").orElse("")
                + ",\"config\":{\"mediaType\":\"" + configType + "\",\"digest\":\"" + config + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"" + layerType + "\",\"digest\":\"" + layer + "\",\"size\":5}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void push(Registry registry, RepositoryName repo, byte[] manifest) {
        registry.pushManifest(ME, repo, Tag.of("v1"), MediaTypes.OCI_MANIFEST, manifest, List.of());
    }

    private static void assertRefused(Registry registry, RepositoryName repo, byte[] manifest, String field,
                                      String value) {
        assertThatThrownBy(() -> push(registry, repo, manifest)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONTENT_REFUSED);
            assertThat(e.code().httpStatus()).isEqualTo(415);
            assertThat(e.code().wireCode()).isEqualTo("UNSUPPORTED");
            assertThat(e.detail().orElseThrow()).isInstanceOfSatisfying(Map.class, d -> assertThat(d)
                    .containsAllEntriesOf(Map.of("reason", "CONTENT_REFUSED", "field", field, "value", value))
                    .containsKey("digest"));
            assertThat(e.getMessage()).isEqualTo("this registry does not accept " + field + " '" + value + "' in "
                    + repo);
        });
        assertThat(registry.tags(ME, repo, Optional.empty(), 10).items()).isEmpty();
    }

    @Test
    void shouldRefuseADeniedArtifactTypeOnlyInItsNamespace() {
        try (Registry registry = Registry.builder()
                .contentRule(ContentRule.deny("team/**", Field.ARTIFACT_TYPE, "application/vnd.cncf.helm.*")).build()) {
            assertRefused(registry, APP, manifest(registry, APP, HELM_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty()), "artifactType", HELM_CONFIG);
            push(registry, OPEN, manifest(registry, OPEN, HELM_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP, Optional.empty()));
            push(registry, APP, manifest(registry, APP, MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty())); // a plain image has no artifact type
        }
    }

    @Test
    void shouldRefuseWhatAnAllowListDoesNotName() {
        try (Registry registry = Registry.builder()
                .contentRule(ContentRule.allow("**", Field.MANIFEST_MEDIA_TYPE, "application/vnd.oci.image.*"))
                .contentRule(ContentRule.allow("**", Field.ARTIFACT_TYPE, "application/vnd.example.*")).build()) {
            push(registry, APP, manifest(registry, APP, MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty()));
            push(registry, APP, manifest(registry, APP, MediaTypes.OCI_EMPTY, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.of("application/vnd.example.sbom")));
            assertRefused(registry, OPEN, manifest(registry, OPEN, MediaTypes.OCI_EMPTY, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.of("application/vnd.other.sig")), "artifactType", "application/vnd.other.sig");
            byte[] docker = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":"
                    + "{\"mediaType\":\"" + MediaTypes.DOCKER_CONFIG + "\",\"digest\":\"" + blob(registry, OPEN, "{}")
                    + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> registry.pushManifest(ME, OPEN, Tag.of("v1"), MediaTypes.DOCKER_MANIFEST, docker,
                    List.of())).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.detail()
                    .orElseThrow()).isInstanceOfSatisfying(Map.class, d -> assertThat(d).containsAllEntriesOf(
                            Map.of("reason", "CONTENT_REFUSED", "field", "mediaType", "value",
                                    MediaTypes.DOCKER_MANIFEST))));
        }
    }

    @Test
    void shouldCheckConfigAndLayerMediaTypesIncludingNonDistributableLayers() {
        try (Registry registry = Registry.builder()
                .contentRule(ContentRule.deny("team/**", Field.LAYER_MEDIA_TYPE, "*foreign*"))
                .contentRule(ContentRule.allow("team/**", Field.CONFIG_MEDIA_TYPE, MediaTypes.OCI_CONFIG)).build()) {
            assertRefused(registry, APP, manifest(registry, APP, MediaTypes.OCI_CONFIG, FOREIGN, Optional.empty()),
                    "layers[].mediaType", FOREIGN);
            assertRefused(registry, APP, manifest(registry, APP, HELM_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty()), "config.mediaType", HELM_CONFIG);
            push(registry, APP, manifest(registry, APP, MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty()));
        }
    }

    @Test
    void shouldCheckTheTypeAsTheArtifactTypeOrElseTheMediaType() {
        try (Registry registry = Registry.builder()
                .contentRule(ContentRule.allow("**", Field.TYPE, "application/vnd.oci.image.*"))
                .contentRule(ContentRule.allow("**", Field.TYPE, "application/vnd.cncf.helm.*")).build()) {
            push(registry, APP, manifest(registry, APP, MediaTypes.OCI_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty()));
            push(registry, OPEN, manifest(registry, OPEN, HELM_CONFIG, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.empty()));
            RepositoryName sbom = RepositoryName.of("team/sbom");
            assertRefused(registry, sbom, manifest(registry, sbom, MediaTypes.OCI_EMPTY, MediaTypes.OCI_LAYER_TAR_GZIP,
                    Optional.of("application/spdx+json")), "artifactType", "application/spdx+json");
        }
    }
}
