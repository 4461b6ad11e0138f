package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertDigestHeader;
import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's Pull workflow: API version check (end-1), manifests by tag and digest (end-3), blobs whole and
 * by range (end-2), content negotiation, and the rule that a manifest comes back byte for byte as pushed,
 * whatever its type (OCI image, OCI index, Docker schema 2 manifest and list, artifact).
 */
public abstract class PullSuite extends RegistrySuite {

    @Test
    void shouldAnswer200WhenClientChecksApiSupport() {
        for (String path : List.of("/v2/", "/v2")) {
            Response r = http().get(path);
            assertStatus(r, 200);
            assertThat(r.header("Docker-Distribution-API-Version")).as(r::describe).contains("registry/2.0");
            assertThat(r.json().isObject()).as(r::describe).isTrue();
        }
    }

    @Test
    void shouldReturnPushedManifestWhenPulledByTag() {
        PushedImage image = http().pushImage(Content.uniqueRepo("pull"), "v1");
        Response r = http().get(manifestPath(image.repo(), "v1"), "Accept", MediaTypes.OCI_MANIFEST);
        assertManifestResponse(r, image.manifest(), MediaTypes.OCI_MANIFEST);
    }

    @Test
    void shouldReturnPushedManifestWhenPulledByDigest() {
        PushedImage image = http().pushImage(Content.uniqueRepo("pull"), "v1");
        Response r = http().get(manifestPath(image.repo(), image.digest()), "Accept", MediaTypes.OCI_MANIFEST);
        assertManifestResponse(r, image.manifest(), MediaTypes.OCI_MANIFEST);
    }

    @Test
    void shouldReturnHeadersWithoutBodyWhenManifestIsHeaded() {
        PushedImage image = http().pushImage(Content.uniqueRepo("pull"), "v1");
        for (String reference : List.of("v1", image.digest())) {
            Response r = http().head(manifestPath(image.repo(), reference), "Accept", MediaTypes.OCI_MANIFEST);
            assertStatus(r, 200);
            assertDigestHeader(r, image.digest());
            assertThat(r.header("Content-Length")).as(r::describe).contains(String.valueOf(image.manifest().length));
            assertThat(r.mediaType()).as(r::describe).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(r.body()).as(r::describe).isEmpty();
        }
    }

    @Test
    void shouldReturnBlobBytesWhenPulledByDigest() {
        PushedImage image = http().pushImage(Content.uniqueRepo("pull"), "v1");
        List<byte[]> blobs = new ArrayList<>(image.layerBytes());
        blobs.add(image.configBytes());
        for (byte[] blob : blobs) {
            String digest = Content.sha256(blob);
            Response r = http().get(blobPath(image.repo(), digest));
            assertStatus(r, 200);
            assertThat(r.body()).as(r::describe).isEqualTo(blob);
            assertThat(Content.sha256(r.body())).isEqualTo(digest);
            assertDigestHeader(r, digest);
            assertThat(r.header("Content-Length")).as(r::describe).contains(String.valueOf(blob.length));
            assertThat(r.mediaType()).as(r::describe).isEqualTo(MediaTypes.OCTET_STREAM);
            assertThat(r.header("Accept-Ranges")).as(r::describe).contains("bytes");
        }
    }

    @Test
    void shouldReturnHeadersWithoutBodyWhenBlobIsHeaded() {
        String repo = Content.uniqueRepo("pull");
        byte[] blob = Content.randomBytes(4096);
        String digest = http().pushBlob(repo, blob);
        Response r = http().head(blobPath(repo, digest));
        assertStatus(r, 200);
        assertDigestHeader(r, digest);
        assertThat(r.header("Content-Length")).as(r::describe).contains("4096");
        assertThat(r.body()).as(r::describe).isEmpty();
    }

    /** A Range header and the inclusive byte positions it selects from a 5000-byte blob. */
    record RangeCase(String header, int first, int last) {
    }

    static Stream<Arguments> satisfiableRanges() {
        return Stream.of(
                Arguments.of(Named.of("first hundred bytes", new RangeCase("bytes=0-99", 0, 99))),
                Arguments.of(Named.of("one byte", new RangeCase("bytes=0-0", 0, 0))),
                Arguments.of(Named.of("from an offset to the end", new RangeCase("bytes=1000-", 1000, 4999))),
                Arguments.of(Named.of("suffix of ten bytes", new RangeCase("bytes=-10", 4990, 4999))),
                Arguments.of(Named.of("end past the size is clipped", new RangeCase("bytes=4000-999999", 4000, 4999))),
                Arguments.of(Named.of("last byte", new RangeCase("bytes=4999-4999", 4999, 4999))));
    }

    @ParameterizedTest
    @MethodSource("satisfiableRanges")
    void shouldReturnPartialContentWhenBlobRangeIsSatisfiable(RangeCase range) {
        String repo = Content.uniqueRepo("range");
        byte[] blob = Content.randomBytes(5000);
        String digest = http().pushBlob(repo, blob);
        Response r = http().get(blobPath(repo, digest), "Range", range.header());
        assertStatus(r, 206);
        assertThat(r.header("Content-Range")).as(r::describe)
                .contains("bytes " + range.first() + "-" + range.last() + "/5000");
        assertThat(r.body()).as(r::describe).isEqualTo(Content.slice(blob, range.first(), range.last() + 1));
        assertThat(r.header("Content-Length")).as(r::describe)
                .contains(String.valueOf(range.last() - range.first() + 1));
        assertDigestHeader(r, digest);
    }

    @Test
    void shouldAnswer416WhenBlobRangeStartsPastTheEnd() {
        String repo = Content.uniqueRepo("range");
        byte[] blob = Content.randomBytes(3000);
        String digest = http().pushBlob(repo, blob);
        for (String header : List.of("bytes=3000-", "bytes=5000-6000")) {
            Response r = http().get(blobPath(repo, digest), "Range", header);
            assertError(r, 416, "RANGE_INVALID");
            assertThat(r.header("Content-Range")).as(r::describe).contains("bytes */3000");
        }
    }

    @Test
    void shouldReturnWholeBlobWhenSeveralRangesAreRequested() {
        String repo = Content.uniqueRepo("range");
        byte[] blob = Content.randomBytes(2000);
        String digest = http().pushBlob(repo, blob);
        Response r = http().get(blobPath(repo, digest), "Range", "bytes=0-9,100-109");
        assertStatus(r, 200);
        assertThat(r.body()).as(r::describe).isEqualTo(blob);
        assertDigestHeader(r, digest);
    }

    @Test
    void shouldRoundTripBlobWhenItSpansManyBuffers() {
        String repo = Content.uniqueRepo("large");
        byte[] blob = Content.randomBytes(2 * 1024 * 1024 + 3);
        String digest = http().pushBlob(repo, blob);
        Response whole = http().get(blobPath(repo, digest));
        assertStatus(whole, 200);
        assertThat(Content.sha256(whole.body())).isEqualTo(digest);
        Response middle = http().get(blobPath(repo, digest), "Range", "bytes=1048570-1048585");
        assertStatus(middle, 206);
        assertThat(middle.body()).isEqualTo(Content.slice(blob, 1048570, 1048586));
    }

    /** Accept header lines sent with a manifest GET, and whether an OCI image manifest should be served. */
    record AcceptCase(List<String> accept, boolean served) {
    }

    static Stream<Arguments> acceptHeaders() {
        String oci = MediaTypes.OCI_MANIFEST;
        String docker = MediaTypes.DOCKER_MANIFEST;
        return Stream.of(
                Arguments.of(Named.of("no Accept header", new AcceptCase(List.of(), true))),
                Arguments.of(Named.of("exactly the stored type", new AcceptCase(List.of(oci), true))),
                Arguments.of(Named.of("a list naming the stored type second",
                        new AcceptCase(List.of(docker + ", " + MediaTypes.OCI_INDEX + ", " + oci), true))),
                Arguments.of(Named.of("the stored type with parameters",
                        new AcceptCase(List.of(docker + ";q=0.9, " + oci + "; q=0.5"), true))),
                Arguments.of(Named.of("one Accept line per type",
                        new AcceptCase(List.of(docker, MediaTypes.DOCKER_LIST, oci), true))),
                Arguments.of(Named.of("any type", new AcceptCase(List.of("*/*"), true))),
                Arguments.of(Named.of("application/json", new AcceptCase(List.of("application/json"), true))),
                Arguments.of(Named.of("only the Docker schema 2 type", new AcceptCase(List.of(docker), false))),
                Arguments.of(Named.of("only index types",
                        new AcceptCase(List.of(MediaTypes.OCI_INDEX + ", " + MediaTypes.DOCKER_LIST), false))));
    }

    @ParameterizedTest
    @MethodSource("acceptHeaders")
    void shouldServeManifestOnlyWhenAcceptAllowsItsType(AcceptCase accept) {
        PushedImage image = http().pushImage(Content.uniqueRepo("accept"), "v1");
        List<String> headers = new ArrayList<>();
        accept.accept().forEach(line -> {
            headers.add("Accept");
            headers.add(line);
        });
        for (String reference : List.of("v1", image.digest())) {
            Response r = http().get(manifestPath(image.repo(), reference), headers.toArray(String[]::new));
            if (accept.served()) {
                assertManifestResponse(r, image.manifest(), MediaTypes.OCI_MANIFEST);
            } else {
                assertError(r, 404, "MANIFEST_UNKNOWN");
            }
        }
    }

    @Test
    void shouldServeDockerSchema2ManifestAndListWhenPushedWithDockerTypes() {
        String repo = Content.uniqueRepo("docker");
        List<Descriptor> children = new ArrayList<>();
        List<byte[]> childBytes = new ArrayList<>();
        for (String arch : List.of("amd64", "arm64")) {
            Descriptor config = http().pushBlob(repo, MediaTypes.DOCKER_CONFIG,
                    Content.utf8("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"id\":\"" + Content.randomId() + "\"}"));
            Descriptor layer = http().pushBlob(repo, MediaTypes.DOCKER_LAYER, Content.randomBytes(1500));
            byte[] manifest = ManifestJson.dockerManifest().config(config).layer(layer).bytes();
            String digest = http().pushManifest(repo, Content.sha256(manifest), MediaTypes.DOCKER_MANIFEST, manifest);
            children.add(new Descriptor(MediaTypes.DOCKER_MANIFEST, digest, manifest.length));
            childBytes.add(manifest);
        }
        byte[] list = ManifestJson.dockerList().manifest(children.get(0), "amd64").manifest(children.get(1), "arm64")
                .bytes();
        http().pushManifest(repo, "multi", MediaTypes.DOCKER_LIST, list);

        assertManifestResponse(http().get(manifestPath(repo, "multi"), "Accept", MediaTypes.DOCKER_LIST),
                list, MediaTypes.DOCKER_LIST);
        for (int i = 0; i < children.size(); i++) {
            Response child = http().get(manifestPath(repo, children.get(i).digest()),
                    "Accept", MediaTypes.DOCKER_MANIFEST);
            assertManifestResponse(child, childBytes.get(i), MediaTypes.DOCKER_MANIFEST);
        }
    }

    @Test
    void shouldServeOciIndexAndItsChildrenWhenChildrenWerePushedByDigest() {
        String repo = Content.uniqueRepo("index");
        PushedImage amd = http().pushImage(repo, "amd64-build");
        PushedImage arm = http().pushImage(repo, "arm64-build");
        byte[] index = ManifestJson.ociIndex().manifest(amd.descriptor(), "amd64").manifest(arm.descriptor(), "arm64")
                .annotation("org.opencontainers.image.ref.name", "v1").bytes();
        http().pushManifest(repo, "v1", MediaTypes.OCI_INDEX, index);

        Response r = http().get(manifestPath(repo, "v1"), "Accept", MediaTypes.OCI_INDEX + ", " + MediaTypes.OCI_MANIFEST);
        assertManifestResponse(r, index, MediaTypes.OCI_INDEX);
        List<String> childDigests = new ArrayList<>();
        for (JsonNode entry : r.json().path("manifests")) {
            childDigests.add(entry.path("digest").asText());
        }
        assertThat(childDigests).containsExactly(amd.digest(), arm.digest());
        assertManifestResponse(http().get(manifestPath(repo, amd.digest())), amd.manifest(), MediaTypes.OCI_MANIFEST);
        assertManifestResponse(http().get(manifestPath(repo, arm.digest())), arm.manifest(), MediaTypes.OCI_MANIFEST);
    }

    @Test
    void shouldServeArtifactWhenConfigIsTheEmptyDescriptor() {
        String repo = Content.uniqueRepo("artifact");
        String emptyDigest = http().pushBlob(repo, Content.EMPTY_JSON);
        assertThat(emptyDigest).isEqualTo(Content.EMPTY_JSON_DIGEST);
        Descriptor empty = new Descriptor(MediaTypes.OCI_EMPTY, emptyDigest, 2);
        Descriptor payload = http().pushBlob(repo, "application/vnd.example.payload.v1", Content.randomBytes(1234));
        byte[] manifest = ManifestJson.ociManifest().artifactType("application/vnd.example.artifact.v1")
                .config(empty).layer(payload).annotation("com.example.data", "payload").bytes();
        http().pushManifest(repo, "artifact", MediaTypes.OCI_MANIFEST, manifest);

        Response r = http().get(manifestPath(repo, "artifact"));
        assertManifestResponse(r, manifest, MediaTypes.OCI_MANIFEST);
        assertThat(r.json().path("artifactType").asText()).isEqualTo("application/vnd.example.artifact.v1");
        Response config = http().get(blobPath(repo, Content.EMPTY_JSON_DIGEST));
        assertStatus(config, 200);
        assertThat(config.text()).isEqualTo("{}");
    }

    @Test
    void shouldSendDockerContentDigestWhenContentIsReadInAnyWay() {
        PushedImage image = http().pushImage(Content.uniqueRepo("digest-header"), "v1");
        String layer = image.layers().get(0).digest();
        List<Response> responses = List.of(
                http().get(manifestPath(image.repo(), "v1")),
                http().head(manifestPath(image.repo(), "v1")),
                http().get(manifestPath(image.repo(), image.digest())),
                http().head(manifestPath(image.repo(), image.digest())));
        for (Response r : responses) {
            assertStatus(r, 200);
            assertDigestHeader(r, image.digest());
        }
        List<Response> blobResponses = List.of(
                http().get(blobPath(image.repo(), layer)),
                http().head(blobPath(image.repo(), layer)),
                http().get(blobPath(image.repo(), layer), "Range", "bytes=10-20"));
        for (Response r : blobResponses) {
            assertThat(r.status()).as(r::describe).isIn(200, 206);
            assertDigestHeader(r, layer);
        }
    }

    /** 200, the exact bytes, the stored media type, and digest and length headers that match the body. */
    static void assertManifestResponse(Response r, byte[] expected, String mediaType) {
        assertStatus(r, 200);
        assertThat(r.body()).as(r::describe).isEqualTo(expected);
        assertThat(r.mediaType()).as(r::describe).isEqualTo(mediaType);
        assertDigestHeader(r, Content.sha256(expected));
        assertThat(r.header("Content-Length")).as(r::describe).contains(String.valueOf(expected.length));
    }
}
