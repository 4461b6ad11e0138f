package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Function;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Manifests the registry must refuse: not JSON or not a manifest (MANIFEST_INVALID), Docker schema 1
 * (MANIFEST_INVALID), references to blobs or manifests the repository does not hold
 * (MANIFEST_BLOB_UNKNOWN, naming the digest), more than 4 MiB (413), and a digest in the URL that the
 * bytes do not hash to (DIGEST_INVALID). A refused manifest is never stored.
 */
public abstract class BadManifestSuite extends RegistrySuite {

    /** A document to PUT and the Content-Type to send it with. */
    record Upload(String contentType, byte[] bytes) {
    }

    /** One table row, built from a repository that already holds one image. */
    record Case(Function<PushedImage, Upload> build) {
    }

    private static Arguments row(String name, Function<PushedImage, Upload> build) {
        return Arguments.of(Named.of(name, new Case(build)));
    }

    private static Upload oci(String json) {
        return new Upload(MediaTypes.OCI_MANIFEST, Content.utf8(json));
    }

    private static String desc(String mediaType, String digest, String size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    static String schema1(PushedImage image, String mediaTypeField) {
        return "{\"schemaVersion\":1," + mediaTypeField + "\"name\":\"" + image.repo() + "\",\"tag\":\"old\","
                + "\"architecture\":\"amd64\",\"fsLayers\":[{\"blobSum\":\"" + image.layers().get(0).digest()
                + "\"}],\"history\":[{\"v1Compatibility\":\"{}\"}],\"signatures\":[{\"header\":{\"alg\":\"ES256\"},"
                + "\"signature\":\"c2ln\",\"protected\":\"cHJvdA\"}]}";
    }

    static Stream<Arguments> invalidManifests() {
        String head = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",";
        return Stream.of(
                row("not JSON", i -> oci("this is not a manifest")),
                row("truncated JSON", i -> new Upload(MediaTypes.OCI_MANIFEST,
                        Content.slice(i.manifest(), 0, i.manifest().length / 2))),
                row("JSON array", i -> oci("[]")),
                row("JSON string", i -> oci("\"manifest\"")),
                row("empty body", i -> new Upload(MediaTypes.OCI_MANIFEST, new byte[0])),
                row("Docker schema 1 signed", i -> new Upload(MediaTypes.DOCKER_SCHEMA1_SIGNED,
                        Content.utf8(schema1(i, "")))),
                row("Docker schema 1 unsigned", i -> new Upload(MediaTypes.DOCKER_SCHEMA1,
                        Content.utf8(schema1(i, "\"mediaType\":\"" + MediaTypes.DOCKER_SCHEMA1 + "\",")))),
                row("schemaVersion 1 sent as OCI", i -> oci(schema1(i, ""))),
                row("schemaVersion missing", i -> oci("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                        + desc(MediaTypes.OCI_CONFIG, i.config().digest(), "" + i.config().size()) + ",\"layers\":[]}")),
                row("image manifest without config", i -> oci(head + "\"layers\":["
                        + desc(MediaTypes.OCI_LAYER, i.layers().get(0).digest(), "" + i.layers().get(0).size()) + "]}")),
                row("layer without digest", i -> oci(head + "\"config\":"
                        + desc(MediaTypes.OCI_CONFIG, i.config().digest(), "" + i.config().size())
                        + ",\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER + "\",\"size\":10}]}")),
                row("config with malformed digest", i -> oci(head + "\"config\":"
                        + desc(MediaTypes.OCI_CONFIG, "sha256:not-hex", "" + i.config().size()) + ",\"layers\":[]}")),
                row("layer with negative size", i -> oci(head + "\"config\":"
                        + desc(MediaTypes.OCI_CONFIG, i.config().digest(), "" + i.config().size()) + ",\"layers\":["
                        + desc(MediaTypes.OCI_LAYER, i.layers().get(0).digest(), "-1") + "]}")),
                row("layers not an array", i -> oci(head + "\"config\":"
                        + desc(MediaTypes.OCI_CONFIG, i.config().digest(), "" + i.config().size())
                        + ",\"layers\":{}}")),
                row("index manifests not an array", i -> new Upload(MediaTypes.OCI_INDEX, Content.utf8(
                        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":{}}"))),
                row("Content-Type differs from the mediaType field",
                        i -> new Upload(MediaTypes.DOCKER_MANIFEST, i.manifest())));
    }

    @ParameterizedTest
    @MethodSource("invalidManifests")
    void shouldAnswerManifestInvalidWhenDocumentIsNotAValidManifest(Case c) {
        PushedImage image = http().pushImage(Content.uniqueRepo("badmanifest"), "v1");
        Upload upload = c.build().apply(image);

        assertError(http().putManifest(image.repo(), "refused", upload.contentType(), upload.bytes()), 400,
                "MANIFEST_INVALID");

        assertError(http().get(manifestPath(image.repo(), "refused")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void shouldExplainRefusalWhenManifestIsDockerSchema1() {
        PushedImage image = http().pushImage(Content.uniqueRepo("schema1"), "v1");
        Response r = http().putManifest(image.repo(), "old", MediaTypes.DOCKER_SCHEMA1_SIGNED,
                Content.utf8(schema1(image, "")));
        JsonNode error = assertError(r, 400, "MANIFEST_INVALID");
        assertThat(error.path("message").asText()).as(r::describe).containsIgnoringCase("schema 1");
    }

    /** A manifest naming {@code missing}, which the repository does not hold. */
    record Dangling(String contentType, byte[] bytes, String missing) {
    }

    record DanglingCase(Function<DanglingContext, Dangling> build) {
    }

    /** The repository's image, plus a blob that only another repository links. */
    record DanglingContext(PushedImage image, String foreignBlob) {
    }

    private static Arguments dangling(String name, Function<DanglingContext, Dangling> build) {
        return Arguments.of(Named.of(name, new DanglingCase(build)));
    }

    static Stream<Arguments> danglingReferences() {
        return Stream.of(
                dangling("layer never uploaded", c -> {
                    String missing = Content.unknownDigest();
                    return new Dangling(MediaTypes.OCI_MANIFEST, ManifestJson.ociManifest().config(c.image().config())
                            .layer(new Descriptor(MediaTypes.OCI_LAYER, missing, 10)).bytes(), missing);
                }),
                dangling("config never uploaded", c -> {
                    String missing = Content.unknownDigest();
                    return new Dangling(MediaTypes.OCI_MANIFEST, ManifestJson.ociManifest()
                            .config(new Descriptor(MediaTypes.OCI_CONFIG, missing, 10))
                            .layer(c.image().layers().get(0)).bytes(), missing);
                }),
                dangling("layer linked only in another repository", c -> new Dangling(MediaTypes.OCI_MANIFEST,
                        ManifestJson.ociManifest().config(c.image().config())
                                .layer(new Descriptor(MediaTypes.OCI_LAYER, c.foreignBlob(), 700)).bytes(),
                        c.foreignBlob())),
                dangling("index child never pushed", c -> {
                    String missing = Content.unknownDigest();
                    return new Dangling(MediaTypes.OCI_INDEX, ManifestJson.ociIndex()
                            .manifest(c.image().descriptor(), "amd64")
                            .manifest(new Descriptor(MediaTypes.OCI_MANIFEST, missing, 500), "arm64").bytes(), missing);
                }),
                dangling("Docker manifest list child never pushed", c -> {
                    String missing = Content.unknownDigest();
                    return new Dangling(MediaTypes.DOCKER_LIST, ManifestJson.dockerList()
                            .manifest(new Descriptor(MediaTypes.DOCKER_MANIFEST, missing, 500), "amd64").bytes(),
                            missing);
                }),
                dangling("Docker manifest layer never uploaded", c -> {
                    String missing = Content.unknownDigest();
                    return new Dangling(MediaTypes.DOCKER_MANIFEST, ManifestJson.dockerManifest()
                            .config(new Descriptor(MediaTypes.DOCKER_CONFIG, c.image().config().digest(),
                                    c.image().config().size()))
                            .layer(new Descriptor(MediaTypes.DOCKER_LAYER, missing, 10)).bytes(), missing);
                }));
    }

    @ParameterizedTest
    @MethodSource("danglingReferences")
    void shouldAnswerManifestBlobUnknownWhenReferencedContentIsNotInTheRepository(DanglingCase c) {
        PushedImage image = http().pushImage(Content.uniqueRepo("dangling"), "v1");
        String foreign = http().pushBlob(Content.uniqueRepo("elsewhere"), Content.randomBytes(700));
        Dangling d = c.build().apply(new DanglingContext(image, foreign));

        Response r = http().putManifest(image.repo(), "dangling", d.contentType(), d.bytes());

        JsonNode error = assertError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(error.path("detail").path("digest").asText()).as(r::describe).isEqualTo(d.missing());
        assertError(http().get(manifestPath(image.repo(), "dangling")), 404, "MANIFEST_UNKNOWN");
        assertError(http().get(manifestPath(image.repo(), Content.sha256(d.bytes()))), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void shouldAnswer413WhenManifestExceedsFourMebibytes() {
        PushedImage image = http().pushImage(Content.uniqueRepo("toobig"), "v1");
        byte[] manifest = ManifestPushSuite.paddedManifest(image, 4 * 1024 * 1024 + 1);

        Response r = http().putManifest(image.repo(), "big", MediaTypes.OCI_MANIFEST, manifest);

        assertError(r, 413, "MANIFEST_INVALID");
        assertError(http().get(manifestPath(image.repo(), "big")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void shouldAnswerDigestInvalidWhenManifestBytesDoNotMatchDigestInUrl() {
        PushedImage image = http().pushImage(Content.uniqueRepo("wrongdigest"), "v1");
        byte[] manifest = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(1)).bytes();
        String claimed = Content.unknownDigest();

        Response r = http().putManifest(image.repo(), claimed, MediaTypes.OCI_MANIFEST, manifest);

        assertError(r, 400, "DIGEST_INVALID");
        assertError(http().get(manifestPath(image.repo(), claimed)), 404, "MANIFEST_UNKNOWN");
        assertError(http().get(manifestPath(image.repo(), Content.sha256(manifest))), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void shouldAnswerDigestInvalidWhenManifestBytesDoNotMatchSha512DigestInUrl() {
        PushedImage image = http().pushImage(Content.uniqueRepo("wrongsha512"), "v1");
        byte[] manifest = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(1)).bytes();
        String claimed = Content.sha512(Content.randomBytes(64));

        Response r = http().putManifest(image.repo(), claimed, MediaTypes.OCI_MANIFEST, manifest);

        assertError(r, 400, "DIGEST_INVALID");
        assertError(http().get(manifestPath(image.repo(), claimed)), 404, "MANIFEST_UNKNOWN");
        assertError(http().get(manifestPath(image.repo(), Content.sha512(manifest))), 404, "MANIFEST_UNKNOWN");
    }
}
