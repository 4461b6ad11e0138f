package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertDigestHeader;
import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static dev.wharf.servlet.suite.ApiAssertions.locationPath;
import static dev.wharf.servlet.suite.PullSuite.assertManifestResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's Push workflow for manifests: PUT by tag or digest (end-7a), several tags at once with
 * {@code OCI-Tag} (end-7b), {@code OCI-Subject} for a manifest whose subject does not exist yet, tag moves,
 * the size the spec says every registry should take, the exact-bytes rule, and manifests addressed by sha512.
 */
public abstract class ManifestPushSuite extends RegistrySuite {

    @Test
    void shouldCreateManifestWhenPushedByTag() {
        String repo = Content.uniqueRepo("manifest");
        PushedImage image = http().pushImage(repo, "seed");
        byte[] manifest = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                .annotation("variant", "by-tag").bytes();
        String digest = Content.sha256(manifest);
        Response r = http().putManifest(repo, "release", MediaTypes.OCI_MANIFEST, manifest);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(manifestPath(repo, digest));
        assertDigestHeader(r, digest);
        assertManifestResponse(http().get(manifestPath(repo, "release")), manifest, MediaTypes.OCI_MANIFEST);
        assertManifestResponse(http().get(r.header("Location").orElseThrow()), manifest, MediaTypes.OCI_MANIFEST);
    }

    @Test
    void shouldCreateUntaggedManifestWhenPushedByDigest() {
        String repo = Content.uniqueRepo("manifest");
        PushedImage image = http().pushImage(repo, "seed");
        byte[] manifest = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(1)).bytes();
        String digest = Content.sha256(manifest);
        Response r = http().putManifest(repo, digest, MediaTypes.OCI_MANIFEST, manifest);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(manifestPath(repo, digest));
        assertDigestHeader(r, digest);
        assertManifestResponse(http().get(manifestPath(repo, digest)), manifest, MediaTypes.OCI_MANIFEST);
        assertThat(tags(repo)).containsExactly("seed");
    }

    @Test
    void shouldApplyEveryTagWhenManifestIsPushedByDigestWithTagParameters() {
        String repo = Content.uniqueRepo("multitag");
        PushedImage image = http().pushImage(repo, "seed");
        byte[] manifest = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                .annotation("variant", "multi").bytes();
        String digest = Content.sha256(manifest);
        Response r = http().put(manifestPath(repo, digest) + "?tag=1.2.3&tag=1.2&tag=1&tag=latest", manifest,
                "Content-Type", MediaTypes.OCI_MANIFEST);
        assertStatus(r, 201);
        assertDigestHeader(r, digest);
        assertThat(r.headerElements("OCI-Tag")).as(r::describe)
                .containsExactlyInAnyOrder("1.2.3", "1.2", "1", "latest");
        for (String tag : List.of("1.2.3", "1.2", "1", "latest")) {
            assertManifestResponse(http().get(manifestPath(repo, tag)), manifest, MediaTypes.OCI_MANIFEST);
        }
        assertThat(tags(repo)).containsExactly("1", "1.2", "1.2.3", "latest", "seed");
    }

    @Test
    void shouldStoreAndServeManifestWhenPushedBySha512Digest() {
        String repo = Content.uniqueRepo("sha512");
        PushedImage image = http().pushImage(repo, "seed");
        byte[] layer = Content.randomBytes(1200);
        String layerDigest = Content.sha512(layer);
        assertStatus(http().post(uploadsPath(repo) + "?digest=" + layerDigest, layer), 201);
        byte[] manifest = ManifestJson.ociManifest().config(image.config())
                .layer(new Descriptor(MediaTypes.OCI_LAYER, layerDigest, layer.length)).bytes();
        String digest = Content.sha512(manifest);

        Response r = http().put(manifestPath(repo, digest) + "?tag=v512", manifest,
                "Content-Type", MediaTypes.OCI_MANIFEST);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(manifestPath(repo, digest));
        assertDigestHeader(r, digest);
        assertThat(r.headerElements("OCI-Tag")).as(r::describe).containsExactly("v512");
        for (String reference : List.of(digest, "v512")) {
            Response get = http().get(manifestPath(repo, reference));
            assertStatus(get, 200);
            assertThat(get.body()).as(get::describe).isEqualTo(manifest);
            assertThat(get.mediaType()).as(get::describe).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertDigestHeader(get, digest);
            Response head = http().head(manifestPath(repo, reference));
            assertStatus(head, 200);
            assertDigestHeader(head, digest);
            assertThat(head.header("Content-Length")).as(head::describe).contains(String.valueOf(manifest.length));
        }

        byte[] index = ManifestJson.ociIndex()
                .manifest(new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length), "amd64").bytes();
        assertStatus(http().putManifest(repo, "multi", MediaTypes.OCI_INDEX, index), 201);
        byte[] referrer = ManifestJson.ociManifest().artifactType("application/vnd.wharf.test.sbom")
                .config(image.config()).subject(new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length))
                .bytes();
        Response signed = http().putManifest(repo, Content.sha256(referrer), MediaTypes.OCI_MANIFEST, referrer);
        assertStatus(signed, 201);
        assertThat(signed.header("OCI-Subject")).as(signed::describe).contains(digest);
        Response referrers = http().get("/v2/" + repo + "/referrers/" + digest);
        assertStatus(referrers, 200);
        assertThat(referrers.json().path("manifests").findValuesAsText("digest")).containsExactly(Content.sha256(referrer));

        assertStatus(http().delete(manifestPath(repo, "multi")), 202);
        assertStatus(http().delete(manifestPath(repo, digest)), 202);
        assertError(http().get(manifestPath(repo, digest)), 404, "MANIFEST_UNKNOWN");
        assertError(http().get(manifestPath(repo, "v512")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void shouldAcceptSamePushAgainWhenManifestIsUnchanged() {
        String repo = Content.uniqueRepo("repush");
        PushedImage image = http().pushImage(repo, "v1");
        Response again = http().putManifest(repo, "v1", MediaTypes.OCI_MANIFEST, image.manifest());
        assertStatus(again, 201);
        assertDigestHeader(again, image.digest());
        Response byDigest = http().putManifest(repo, image.digest(), MediaTypes.OCI_MANIFEST, image.manifest());
        assertStatus(byDigest, 201);
        assertThat(tags(repo)).containsExactly("v1");
    }

    @Test
    void shouldMoveTagWhenAnotherManifestIsPushedUnderIt() {
        String repo = Content.uniqueRepo("tagmove");
        PushedImage first = http().pushImage(repo, "latest");
        PushedImage second = http().pushImage(repo, "latest");
        assertManifestResponse(http().get(manifestPath(repo, "latest")), second.manifest(), MediaTypes.OCI_MANIFEST);
        assertManifestResponse(http().get(manifestPath(repo, first.digest())), first.manifest(),
                MediaTypes.OCI_MANIFEST);
    }

    @Test
    void shouldAnswerOciSubjectWhenManifestWithSubjectIsPushedBeforeItsSubject() {
        String repo = Content.uniqueRepo("subject");
        // Build the subject image's manifest but do not push it yet.
        Descriptor config = http().pushBlob(repo, MediaTypes.OCI_CONFIG,
                Content.utf8("{\"os\":\"linux\",\"id\":\"" + Content.randomId() + "\"}"));
        Descriptor layer = http().pushBlob(repo, MediaTypes.OCI_LAYER, Content.randomBytes(1200));
        byte[] subjectManifest = ManifestJson.ociManifest().config(config).layer(layer).bytes();
        Descriptor subject = Descriptor.of(MediaTypes.OCI_MANIFEST, subjectManifest);

        String emptyDigest = http().pushBlob(repo, Content.EMPTY_JSON);
        Descriptor empty = new Descriptor(MediaTypes.OCI_EMPTY, emptyDigest, 2);
        byte[] signature = ManifestJson.ociManifest().artifactType("application/vnd.example.signature.v1")
                .config(empty).layer(empty).subject(subject).annotation("org.example.signer", "ci").bytes();
        Response r = http().putManifest(repo, Content.sha256(signature), MediaTypes.OCI_MANIFEST, signature);
        assertStatus(r, 201);
        assertThat(r.header("OCI-Subject")).as(r::describe).contains(subject.digest());

        http().pushManifest(repo, "v1", MediaTypes.OCI_MANIFEST, subjectManifest);
        Response referrers = http().get("/v2/" + repo + "/referrers/" + subject.digest());
        assertStatus(referrers, 200);
        List<String> digests = new ArrayList<>();
        referrers.json().path("manifests").forEach(d -> digests.add(d.path("digest").asText()));
        assertThat(digests).containsExactly(Content.sha256(signature));
    }

    @Test
    void shouldNotAnswerOciSubjectWhenManifestHasNoSubject() {
        String repo = Content.uniqueRepo("subject");
        PushedImage image = http().pushImage(repo, "seed");
        Response r = http().putManifest(repo, "plain", MediaTypes.OCI_MANIFEST, image.manifest());
        assertStatus(r, 201);
        assertThat(r.header("OCI-Subject")).as(r::describe).isEmpty();
    }

    @Test
    void shouldAcceptManifestWhenItIsExactlyFourMebibytes() {
        String repo = Content.uniqueRepo("big");
        PushedImage image = http().pushImage(repo, "seed");
        byte[] manifest = paddedManifest(image, 4 * 1024 * 1024);
        assertThat(manifest).hasSize(4 * 1024 * 1024);
        String digest = http().pushManifest(repo, "big", MediaTypes.OCI_MANIFEST, manifest);
        Response pulled = http().get(manifestPath(repo, digest));
        assertManifestResponse(pulled, manifest, MediaTypes.OCI_MANIFEST);
    }

    /** A valid manifest of exactly {@code size} bytes, padded with an annotation. */
    static byte[] paddedManifest(PushedImage image, int size) {
        byte[] shell = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                .annotation("pad", "").bytes();
        return ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                .annotation("pad", "x".repeat(size - shell.length)).bytes();
    }

    /** A manifest rendering of one config and one layer; the registry must keep every byte of it. */
    record Formatting(BiFunction<Descriptor, Descriptor, String> render) {
    }

    static Stream<Arguments> unusualFormatting() {
        return Stream.of(
                Arguments.of(Named.of("pretty-printed with tabs and CRLF", new Formatting((c, l) ->
                        "{\r\n\t\"schemaVersion\" : 2,\r\n\t\"mediaType\" : \"" + MediaTypes.OCI_MANIFEST + "\",\r\n"
                                + "\t\"config\" : " + desc(c) + ",\r\n\t\"layers\" : [\r\n\t\t" + desc(l)
                                + "\r\n\t]\r\n}\r\n"))),
                Arguments.of(Named.of("keys in reverse order", new Formatting((c, l) ->
                        "{\"layers\":[" + descReversed(l) + "],\"config\":" + descReversed(c) + ",\"mediaType\":\""
                                + MediaTypes.OCI_MANIFEST + "\",\"schemaVersion\":2}"))),
                Arguments.of(Named.of("escapes and non-ASCII text", new Formatting((c, l) ->
                        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":" + desc(c)
                                + ",\"layers\":[" + desc(l) + "],\"annotations\":{\"org.example.note\":"
                                + "\"caf\\u00e9 \u00fcn\u00efc\u00f6d\u00e9 \\\"quoted\\\" \\/slash \\t tab \ud83d\udc33\"}}"))),
                Arguments.of(Named.of("whitespace around the document", new Formatting((c, l) ->
                        "  \n {\"schemaVersion\":2, \"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\", \"config\":"
                                + desc(c) + ", \"layers\": [ " + desc(l) + " ] } \n\n"))),
                Arguments.of(Named.of("unknown extra fields", new Formatting((c, l) ->
                        "{\"schemaVersion\":2,\"x-wharf-extra\":{\"nested\":[1,2.5,true,null]},\"mediaType\":\""
                                + MediaTypes.OCI_MANIFEST + "\",\"config\":" + desc(c) + ",\"layers\":[" + desc(l)
                                + "]}"))));
    }

    @ParameterizedTest
    @MethodSource("unusualFormatting")
    void shouldReturnIdenticalBytesWhenManifestHasUnusualFormatting(Formatting formatting) {
        String repo = Content.uniqueRepo("bytes");
        Descriptor config = http().pushBlob(repo, MediaTypes.OCI_CONFIG,
                Content.utf8("{\"os\":\"linux\",\"id\":\"" + Content.randomId() + "\"}"));
        Descriptor layer = http().pushBlob(repo, MediaTypes.OCI_LAYER, Content.randomBytes(1000));
        byte[] manifest = Content.utf8(formatting.render().apply(config, layer));
        String digest = Content.sha256(manifest);

        Response put = http().putManifest(repo, "odd", MediaTypes.OCI_MANIFEST, manifest);
        assertStatus(put, 201);
        assertDigestHeader(put, digest);
        for (String reference : List.of("odd", digest)) {
            Response r = http().get(manifestPath(repo, reference));
            assertManifestResponse(r, manifest, MediaTypes.OCI_MANIFEST);
            assertThat(Content.sha256(r.body())).isEqualTo(digest);
        }
    }

    private static String desc(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static String descReversed(Descriptor d) {
        return "{ \"size\" : " + d.size() + " , \"digest\" : \"" + d.digest() + "\" , \"mediaType\" : \""
                + d.mediaType() + "\" }";
    }

    private List<String> tags(String repo) {
        Response r = http().get("/v2/" + repo + "/tags/list");
        assertStatus(r, 200);
        List<String> tags = new ArrayList<>();
        for (JsonNode t : r.json().path("tags")) {
            tags.add(t.asText());
        }
        return tags;
    }
}
