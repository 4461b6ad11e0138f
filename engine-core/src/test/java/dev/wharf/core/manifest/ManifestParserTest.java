package dev.wharf.core.manifest;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;
import dev.wharf.spi.ManifestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestParserTest {
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);

    static ManifestRecord parse(String contentType, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ManifestParser.parse(DigestAlgorithm.SHA256.digest(bytes), contentType, bytes);
    }

    static String image(String extra) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + A + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_TAR_GZIP + "\",\"digest\":\"" + B + "\",\"size\":3}]"
                + extra + "}";
    }

    @Test
    void shouldExtractConfigLayersSubjectAndArtifactType() {
        ManifestRecord r = parse(MediaTypes.OCI_MANIFEST, image(",\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\"" + C + "\",\"size\":9},\"annotations\":{\"k\":\"v\"}"));
        assertThat(r.blobs()).containsExactlyInAnyOrder(Digest.parse(A), Digest.parse(B));
        assertThat(r.children()).isEmpty();
        assertThat(r.subject()).contains(Digest.parse(C));
        assertThat(r.artifactType()).contains("application/vnd.oci.image.config.v1+json");
        assertThat(r.annotations()).containsEntry("k", "v");
        assertThat(r.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void contentSizeIsTheManifestPlusWhatItsDescriptorsDeclare() {
        String json = image("");
        ManifestRecord image = parse(MediaTypes.OCI_MANIFEST, json);
        assertThat(image.contentSize()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length + 2 + 3);

        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + A + "\",\"size\":5},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + B + "\",\"size\":7}]}";
        assertThat(parse(null, index).contentSize()).isEqualTo(index.getBytes(StandardCharsets.UTF_8).length + 12);

        // declared sizes that would overflow are held at the largest size rather than wrapping negative
        String huge = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + A + "\",\"size\":" + Long.MAX_VALUE
                + "},{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + B + "\",\"size\":" + Long.MAX_VALUE
                + "}]}";
        assertThat(parse(null, huge).contentSize()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldPreferArtifactTypeFieldOverConfigMediaType() {
        ManifestRecord r = parse(MediaTypes.OCI_MANIFEST, image(",\"artifactType\":\"application/vnd.example+json\""));
        assertThat(r.artifactType()).contains("application/vnd.example+json");
    }

    @Test
    void shouldReadIndexChildrenAndOmitArtifactTypeWhenAbsent() {
        ManifestRecord r = parse(null, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + A + "\",\"size\":5,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}");
        assertThat(r.children()).containsExactly(Digest.parse(A));
        assertThat(r.artifactType()).isEmpty();
        assertThat(r.manifest().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    }

    @Test
    void shouldInferKindFromStructureWhenNoTypeIsGiven() {
        String noType = image("").replace("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",", "");
        ManifestRecord r = parse("", noType);
        assertThat(r.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(r.blobs()).hasSize(2);
    }

    @Test
    void shouldNotRequireForeignLayersWithUrls() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.DOCKER_CONFIG + "\",\"digest\":\"" + A + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\",\"digest\":\""
                + B + "\",\"size\":3,\"urls\":[\"https://example.invalid/layer\"]}]}";
        assertThat(parse(MediaTypes.DOCKER_MANIFEST, json).blobs()).containsExactly(Digest.parse(A));
    }

    static Stream<Arguments> invalidManifests() {
        return Stream.of(
                Arguments.of("not JSON", MediaTypes.OCI_MANIFEST, "{not json", "not valid JSON"),
                Arguments.of("array", MediaTypes.OCI_MANIFEST, "[]", "JSON object"),
                Arguments.of("trailing data", MediaTypes.OCI_MANIFEST, image("") + "{}", "not valid JSON"),
                Arguments.of("duplicate key", MediaTypes.OCI_MANIFEST, image(",\"schemaVersion\":2"), "not valid JSON"),
                Arguments.of("schema 1 by type", MediaTypes.DOCKER_SCHEMA1_SIGNED, "{\"schemaVersion\":1}", "schema 1"),
                Arguments.of("schema 1 by version", "", "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", "schema 1"),
                Arguments.of("content type mismatch", MediaTypes.DOCKER_MANIFEST, image(""), "does not match"),
                Arguments.of("unknown type", "application/vnd.example+json", "{\"schemaVersion\":2}", "unsupported manifest media type"),
                Arguments.of("schemaVersion 3", MediaTypes.OCI_MANIFEST, image("").replace("\"schemaVersion\":2", "\"schemaVersion\":3"), "schemaVersion"),
                Arguments.of("no config", MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}", "config"),
                Arguments.of("no layers", MediaTypes.OCI_MANIFEST, image("").replaceAll(",\"layers\":\\[.*\\]", ""), "layers"),
                Arguments.of("bad layer digest", MediaTypes.OCI_MANIFEST, image("").replace(B, "sha256:xyz"), "layers[0]"),
                Arguments.of("negative size", MediaTypes.OCI_MANIFEST, image("").replace("\"size\":3", "\"size\":-1"), "non-negative"),
                Arguments.of("annotation not string", MediaTypes.OCI_MANIFEST, image(",\"annotations\":{\"a\":1}"), "must be a string"),
                Arguments.of("index without manifests", MediaTypes.OCI_INDEX, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\"}", "manifests"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidManifests")
    void shouldRefuseInvalidManifestWithManifestInvalid(String name, String contentType, String json, String why) {
        assertThatThrownBy(() -> parse(contentType, json))
                .isInstanceOf(ManifestParser.InvalidManifestException.class)
                .hasMessageContaining(why);
    }
}
