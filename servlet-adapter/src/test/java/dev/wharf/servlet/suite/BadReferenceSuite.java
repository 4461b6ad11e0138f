package dev.wharf.servlet.suite;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static dev.wharf.servlet.suite.RegistryHttp.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed names, tags and digests, each sent to every endpoint that takes one: the spec's grammar for
 * {@code <name>} and tags, and the image spec's for digests (registered algorithm, exact lowercase hex
 * length). A malformed name, or a malformed reference where the client creates something (a manifest push,
 * a blob digest), is 400 with the matching code; a manifest reference that is neither a tag nor a digest
 * names nothing that can exist, so pulling or deleting it is 404 MANIFEST_UNKNOWN. Never a 500.
 */
public abstract class BadReferenceSuite extends RegistrySuite {

    /** A request that carries {@code value} (a name, tag or digest) in the place under test. */
    @FunctionalInterface
    interface Probe {
        Response send(RegistryHttp http, Arranged arranged, String value);
    }

    /** A repository holding one image, plus a valid manifest not yet pushed. */
    record Arranged(String repo, PushedImage image, byte[] freshManifest) {
    }

    /** One table row: a malformed value and where it is sent. */
    record Case(String value, Probe probe) {
    }

    private Arranged arrange() {
        String repo = Content.uniqueRepo("badref");
        PushedImage image = http().pushImage(repo, "seed");
        byte[] fresh = ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                .annotation("fresh", Content.randomId()).bytes();
        return new Arranged(repo, image, fresh);
    }

    private static Stream<Arguments> cross(Map<String, String> values, Map<String, Probe> probes) {
        List<Arguments> out = new ArrayList<>();
        values.forEach((what, value) -> probes.forEach((where, probe) ->
                out.add(Arguments.of(Named.of(what + " / " + where, new Case(value, probe))))));
        return out.stream();
    }

    // ---- repository names ----

    static Stream<Arguments> invalidNames() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("uppercase", "Wharf/app");
        names.put("double dot in a component", "foo..bar");
        names.put("empty component", "a//b");
        names.put("leading slash", "/a");
        names.put("trailing slash", "a/");
        names.put("256 characters", "a".repeat(128) + "/" + "b".repeat(127));
        names.put("component ending with a separator", "foo-/bar");
        names.put("component starting with a separator", "_foo");
        names.put("three underscores", "a___b");
        names.put("character outside the alphabet", "foo$bar");
        names.put("space", "foo%20bar");
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("GET manifest", (h, a, n) -> h.get("/v2/" + n + "/manifests/latest"));
        probes.put("PUT manifest", (h, a, n) -> h.putManifest(n, "latest", MediaTypes.OCI_MANIFEST, a.freshManifest()));
        probes.put("DELETE manifest", (h, a, n) -> h.delete("/v2/" + n + "/manifests/latest"));
        probes.put("GET blob", (h, a, n) -> h.get("/v2/" + n + "/blobs/" + a.image().config().digest()));
        probes.put("DELETE blob", (h, a, n) -> h.delete("/v2/" + n + "/blobs/" + a.image().config().digest()));
        probes.put("POST upload", (h, a, n) -> h.post("/v2/" + n + "/blobs/uploads/", new byte[0]));
        probes.put("POST mount", (h, a, n) -> h.post(withQuery("/v2/" + n + "/blobs/uploads/",
                "mount=" + a.image().config().digest() + "&from=" + a.repo()), new byte[0]));
        probes.put("GET tags", (h, a, n) -> h.get("/v2/" + n + "/tags/list"));
        probes.put("GET referrers", (h, a, n) -> h.get("/v2/" + n + "/referrers/" + a.image().digest()));
        return cross(names, probes);
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void shouldAnswerNameInvalidWhenRepositoryNameBreaksTheGrammar(Case c) {
        Response r = c.probe().send(http(), arrange(), c.value());
        assertError(r, 400, "NAME_INVALID");
    }

    @Test
    void shouldAnswerNameInvalidWhenMountSourceNameIsInvalid() {
        Arranged a = arrange();
        Response r = http().post(withQuery(uploadsPath(a.repo()), "mount=" + a.image().config().digest()
                + "&from=Not..Valid"), new byte[0]);
        assertError(r, 400, "NAME_INVALID");
    }

    @Test
    void shouldAcceptNameWhenItIsExactly255Characters() {
        String prefix = "long-" + Content.randomId() + "/";
        String repo = prefix + "n".repeat(255 - prefix.length());
        assertThat(repo).hasSize(255);
        PushedImage image = http().pushImage(repo, "v1");
        Response r = http().get(manifestPath(repo, "v1"));
        assertStatus(r, 200);
        assertThat(r.body()).isEqualTo(image.manifest());
    }

    // ---- tags ----

    /** Strings that break the tag grammar (and are no digests either). */
    private static Map<String, String> invalidTagValues() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("leading dash", "-tag");
        tags.put("leading dot", ".tag");
        tags.put("conformance suite's nonexistent manifest", ".INVALID_MANIFEST_NAME");
        tags.put("dash only", "-x");
        tags.put("129 characters", "t".repeat(129));
        tags.put("200 characters", "t".repeat(200));
        tags.put("space", "my%20tag");
        tags.put("non-ASCII letter", "t%C3%A4g");
        tags.put("plus sign", "a+b");
        tags.put("exclamation mark", "tag!");
        return tags;
    }

    static Stream<Arguments> invalidTags() {
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("PUT manifest", (h, a, t) -> h.putManifest(a.repo(), t, MediaTypes.OCI_MANIFEST, a.freshManifest()));
        probes.put("PUT by digest with tag parameter", (h, a, t) -> h.put(
                manifestPath(a.repo(), Content.sha256(a.freshManifest())) + "?tag=ok&tag=" + t, a.freshManifest(),
                "Content-Type", MediaTypes.OCI_MANIFEST));
        return cross(invalidTagValues(), probes);
    }

    @ParameterizedTest
    @MethodSource("invalidTags")
    void shouldAnswerTagInvalidWhenPushedTagBreaksTheGrammar(Case c) {
        Arranged a = arrange();
        Response r = c.probe().send(http(), a, c.value());
        assertError(r, 400, "TAG_INVALID");
        assertError(http().get(manifestPath(a.repo(), Content.sha256(a.freshManifest()))), 404, "MANIFEST_UNKNOWN");
        assertError(http().get(manifestPath(a.repo(), "ok")), 404, "MANIFEST_UNKNOWN");
    }

    /** Every reference that is neither a valid tag nor a valid digest, pulled or deleted. */
    static Stream<Arguments> impossibleReferences() {
        Map<String, String> references = new LinkedHashMap<>(invalidTagValues());
        references.putAll(invalidDigestValues());
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("GET manifest", (h, a, ref) -> h.get(manifestPath(a.repo(), ref)));
        probes.put("DELETE manifest", (h, a, ref) -> h.delete(manifestPath(a.repo(), ref)));
        return cross(references, probes);
    }

    @ParameterizedTest
    @MethodSource("impossibleReferences")
    void shouldAnswerManifestUnknownWhenPulledOrDeletedReferenceIsNeitherTagNorDigest(Case c) {
        Arranged a = arrange();
        Response r = c.probe().send(http(), a, c.value());
        assertError(r, 404, "MANIFEST_UNKNOWN");
        assertStatus(http().get(manifestPath(a.repo(), "seed")), 200);
    }

    @Test
    void shouldAnswerNotFoundWithoutBodyWhenHeadReferenceIsNeitherTagNorDigest() {
        Arranged a = arrange();
        for (String reference : List.of(".INVALID_MANIFEST_NAME", "-x", "t".repeat(200), "sha256:abc")) {
            assertHeadError(http().head(manifestPath(a.repo(), reference)), 404);
        }
    }

    @Test
    void shouldAnswerNameInvalidBeforeManifestUnknownWhenNameAndReferenceAreBothMalformed() {
        assertError(http().get(manifestPath("Not..Valid", ".INVALID_MANIFEST_NAME")), 400, "NAME_INVALID");
        assertError(http().delete(manifestPath("Not..Valid", "-x")), 400, "NAME_INVALID");
    }

    @Test
    void shouldAcceptTagWhenItIsExactly128Characters() {
        Arranged a = arrange();
        String tag = "_" + "T.-9".repeat(31) + "abc";
        assertThat(tag).hasSize(128);
        Response put = http().putManifest(a.repo(), tag, MediaTypes.OCI_MANIFEST, a.freshManifest());
        assertStatus(put, 201);
        Response get = http().get(manifestPath(a.repo(), tag));
        assertStatus(get, 200);
        assertThat(get.body()).isEqualTo(a.freshManifest());
    }

    // ---- digests ----

    /** Strings that look like digests but are malformed or of an unsupported algorithm. */
    private static Map<String, String> invalidDigestValues() {
        String hex = Content.unknownDigest().substring("sha256:".length());
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put("unsupported sha1", "sha1:" + hex.substring(0, 40));
        digests.put("unsupported md5", "md5:" + hex.substring(0, 32));
        digests.put("sha256 one digit short", "sha256:" + hex.substring(1));
        digests.put("sha256 one digit long", "sha256:" + hex + "a");
        digests.put("sha256 uppercase hex", "sha256:" + hex.toUpperCase(Locale.ROOT));
        digests.put("sha256 not hex", "sha256:" + "g".repeat(64));
        digests.put("sha512 of sha256 length", "sha512:" + hex);
        digests.put("empty encoded part", "sha256:");
        return digests;
    }

    static Stream<Arguments> invalidDigests() {
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("GET blob", (h, a, d) -> h.get(blobPath(a.repo(), d)));
        probes.put("DELETE blob", (h, a, d) -> h.delete(blobPath(a.repo(), d)));
        probes.put("PUT manifest", (h, a, d) -> h.putManifest(a.repo(), d, MediaTypes.OCI_MANIFEST, a.freshManifest()));
        probes.put("single POST", (h, a, d) -> h.post(withQuery(uploadsPath(a.repo()), "digest=" + d),
                Content.randomBytes(100), "Content-Type", MediaTypes.OCTET_STREAM));
        probes.put("POST mount", (h, a, d) -> h.post(withQuery(uploadsPath(a.repo()), "mount=" + d + "&from="
                + a.repo()), new byte[0]));
        probes.put("closing PUT", (h, a, d) -> h.put(withQuery(h.startUpload(a.repo()), "digest=" + d),
                Content.randomBytes(100), "Content-Type", MediaTypes.OCTET_STREAM));
        probes.put("GET referrers", (h, a, d) -> h.get("/v2/" + a.repo() + "/referrers/" + d));
        return cross(invalidDigestValues(), probes);
    }

    @ParameterizedTest
    @MethodSource("invalidDigests")
    void shouldAnswerDigestInvalidWhenDigestIsMalformedOrUnsupported(Case c) {
        Response r = c.probe().send(http(), arrange(), c.value());
        assertError(r, 400, "DIGEST_INVALID");
    }

    @Test
    void shouldAnswerDigestInvalidWhenSessionAsksForUnknownAlgorithm() {
        String repo = Content.uniqueRepo("badalgo");
        for (String algorithm : List.of("md5", "sha1", "SHA256", "sha3-256")) {
            Response r = http().post(withQuery(uploadsPath(repo), "digest-algorithm=" + algorithm), new byte[0]);
            assertError(r, 400, "DIGEST_INVALID");
        }
    }
}
