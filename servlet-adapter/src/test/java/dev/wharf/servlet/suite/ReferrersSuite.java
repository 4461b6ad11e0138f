package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The referrers API (end-12a, end-12b): an image index of the manifests whose {@code subject} is a digest,
 * with {@code artifactType} and annotations copied as the spec's "Listing Referrers" section says, the
 * {@code artifactType} filter and {@code OCI-Filters-Applied}, and never a 404.
 */
public abstract class ReferrersSuite extends RegistrySuite {
    private static final String SBOM = "application/vnd.example.sbom.v1";
    private static final String SIGNATURE = "application/vnd.example.signature.v1";
    private static final String CUSTOM_CONFIG = "application/vnd.example.config.v1+json";

    /** A subject image and four referrers of every shape the spec distinguishes. */
    private record Fixture(String repo, PushedImage subject, String sbom, String signature, String configTyped,
                           String index, Map<String, byte[]> bytes) {
    }

    private Fixture arrange() {
        String repo = Content.uniqueRepo("referrers");
        PushedImage subject = http().pushImage(repo, "v1");
        Descriptor empty = http().pushBlob(repo, MediaTypes.OCI_EMPTY, Content.EMPTY_JSON);
        Map<String, byte[]> bytes = new HashMap<>();

        byte[] sbom = ManifestJson.ociManifest().artifactType(SBOM).config(empty)
                .layer(http().pushBlob(repo, "application/spdx+json", Content.randomBytes(900)))
                .subject(subject.descriptor())
                .annotation("org.opencontainers.image.created", "2022-01-01T14:42:55Z")
                .annotation("org.example.sbom.format", "json").bytes();
        byte[] signature = ManifestJson.ociManifest().artifactType(SIGNATURE).config(empty).layer(empty)
                .subject(subject.descriptor()).annotation("org.example.signature.fingerprint", "abcd").bytes();
        byte[] configTyped = ManifestJson.ociManifest()
                .config(http().pushBlob(repo, CUSTOM_CONFIG, Content.utf8("{\"id\":\"" + Content.randomId() + "\"}")))
                .layer(empty).subject(subject.descriptor()).bytes();
        byte[] index = ManifestJson.ociIndex().subject(subject.descriptor())
                .annotation("org.opencontainers.image.created", "2023-01-01T07:21:33Z").bytes();

        String sbomDigest = http().pushManifest(repo, Content.sha256(sbom), MediaTypes.OCI_MANIFEST, sbom);
        String sigDigest = http().pushManifest(repo, Content.sha256(signature), MediaTypes.OCI_MANIFEST, signature);
        String configDigest = http().pushManifest(repo, Content.sha256(configTyped), MediaTypes.OCI_MANIFEST,
                configTyped);
        String indexDigest = http().pushManifest(repo, Content.sha256(index), MediaTypes.OCI_INDEX, index);
        bytes.put(sbomDigest, sbom);
        bytes.put(sigDigest, signature);
        bytes.put(configDigest, configTyped);
        bytes.put(indexDigest, index);
        return new Fixture(repo, subject, sbomDigest, sigDigest, configDigest, indexDigest, bytes);
    }

    @Test
    void shouldListEveryReferrerWithTypeAndAnnotationsWhenSubjectHasReferrers() {
        Fixture f = arrange();
        Response r = http().get("/v2/" + f.repo() + "/referrers/" + f.subject().digest());
        assertEmptyOrFilledIndex(r);
        assertThat(r.header("OCI-Filters-Applied")).as(r::describe).isEmpty();
        Map<String, JsonNode> byDigest = byDigest(r.json());
        assertThat(byDigest).containsOnlyKeys(f.sbom(), f.signature(), f.configTyped(), f.index());

        byDigest.forEach((digest, d) -> {
            assertThat(d.path("size").asLong()).as(digest).isEqualTo(f.bytes().get(digest).length);
        });
        assertThat(byDigest.get(f.sbom()).path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(byDigest.get(f.sbom()).path("artifactType").asText()).isEqualTo(SBOM);
        assertThat(byDigest.get(f.sbom()).path("annotations").path("org.example.sbom.format").asText())
                .isEqualTo("json");
        assertThat(byDigest.get(f.sbom()).path("annotations").path("org.opencontainers.image.created").asText())
                .isEqualTo("2022-01-01T14:42:55Z");
        assertThat(byDigest.get(f.signature()).path("artifactType").asText()).isEqualTo(SIGNATURE);
        assertThat(byDigest.get(f.signature()).path("annotations").path("org.example.signature.fingerprint")
                .asText()).isEqualTo("abcd");
        assertThat(byDigest.get(f.configTyped()).path("artifactType").asText())
                .as("an image manifest without artifactType is typed by its config").isEqualTo(CUSTOM_CONFIG);
        assertThat(byDigest.get(f.index()).path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(byDigest.get(f.index()).has("artifactType"))
                .as("an index without artifactType has none in its descriptor").isFalse();
        assertThat(byDigest.get(f.index()).path("annotations").path("org.opencontainers.image.created").asText())
                .isEqualTo("2023-01-01T07:21:33Z");
    }

    @Test
    void shouldReturnOnlyMatchingReferrersWhenArtifactTypeFilterIsGiven() {
        Fixture f = arrange();
        Response r = http().get("/v2/" + f.repo() + "/referrers/" + f.subject().digest() + "?artifactType=" + SBOM);
        assertEmptyOrFilledIndex(r);
        assertThat(r.headerElements("OCI-Filters-Applied")).as(r::describe).containsExactly("artifactType");
        assertThat(byDigest(r.json())).containsOnlyKeys(f.sbom());

        Response byConfig = http().get("/v2/" + f.repo() + "/referrers/" + f.subject().digest()
                + "?artifactType=" + CUSTOM_CONFIG);
        assertEmptyOrFilledIndex(byConfig);
        assertThat(byDigest(byConfig.json())).containsOnlyKeys(f.configTyped());

        Response none = http().get("/v2/" + f.repo() + "/referrers/" + f.subject().digest()
                + "?artifactType=application/vnd.example.nothing");
        assertEmptyOrFilledIndex(none);
        assertThat(none.headerElements("OCI-Filters-Applied")).containsExactly("artifactType");
        assertThat(none.json().path("manifests")).isEmpty();
    }

    @Test
    void shouldPageReferrersWithLinkWhenTheListExceedsThePage() {
        Fixture f = arrange();
        java.util.List<String> seen = new java.util.ArrayList<>();
        String next = "/v2/" + f.repo() + "/referrers/" + f.subject().digest() + "?n=3";
        int pages = 0;
        while (next != null) {
            Response page = http().get(next);
            assertEmptyOrFilledIndex(page);
            java.util.List<String> digests = new java.util.ArrayList<>();
            page.json().path("manifests").forEach(d -> digests.add(d.path("digest").asText()));
            assertThat(digests).as(page::describe).hasSizeLessThanOrEqualTo(3).isNotEmpty();
            seen.addAll(digests);
            pages++;
            next = page.header("Link").map(ReferrersSuite::nextTarget).orElse(null);
            assertThat(pages).as("pages followed").isLessThanOrEqualTo(2);
        }
        assertThat(pages).as("four referrers in pages of three").isEqualTo(2);
        assertThat(seen).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder(f.sbom(), f.signature(), f.configTyped(), f.index());
        assertThat(seen).as("digest order across pages").isSorted();
    }

    @Test
    void shouldKeepTheArtifactTypeFilterAcrossPages() {
        Fixture f = arrange();
        String repo = f.repo();
        byte[] second = ManifestJson.ociManifest().artifactType(SBOM)
                .config(http().pushBlob(repo, MediaTypes.OCI_EMPTY, Content.EMPTY_JSON))
                .layer(http().pushBlob(repo, "application/spdx+json", Content.randomBytes(300)))
                .subject(f.subject().descriptor()).bytes();
        String secondSbom = http().pushManifest(repo, Content.sha256(second), MediaTypes.OCI_MANIFEST, second);
        Response first = http().get("/v2/" + repo + "/referrers/" + f.subject().digest() + "?n=1&artifactType=" + SBOM);
        assertEmptyOrFilledIndex(first);
        assertThat(first.headerElements("OCI-Filters-Applied")).containsExactly("artifactType");
        String link = first.header("Link").orElseThrow(() -> new AssertionError("no Link: " + first.describe()));
        assertThat(link).contains("artifactType=");
        Response rest = http().get(nextTarget(link));
        assertEmptyOrFilledIndex(rest);
        java.util.Set<String> both = new java.util.HashSet<>(byDigest(first.json()).keySet());
        both.addAll(byDigest(rest.json()).keySet());
        assertThat(both).containsExactlyInAnyOrder(f.sbom(), secondSbom);
        assertThat(rest.header("Link")).as("nothing after the last SBOM").isEmpty();
    }

    /** The target of a {@code Link: <target>; rel="next"} header. */
    private static String nextTarget(String link) {
        assertThat(link).startsWith("<").contains(">; rel=\"next\"");
        return link.substring(1, link.indexOf('>'));
    }

    @Test
    void shouldReturnEmptyIndexWhenDigestHasNoReferrers() {
        String repo = Content.uniqueRepo("referrers");
        PushedImage image = http().pushImage(repo, "v1");
        for (String digest : List.of(image.digest(), Content.unknownDigest())) {
            Response r = http().get("/v2/" + repo + "/referrers/" + digest);
            assertEmptyOrFilledIndex(r);
            assertThat(r.json().path("manifests")).as(r::describe).isEmpty();
        }
    }

    @Test
    void shouldReturnEmptyIndexWhenRepositoryIsUnknown() {
        Response r = http().get("/v2/" + Content.uniqueRepo("nowhere") + "/referrers/" + Content.unknownDigest());
        assertEmptyOrFilledIndex(r);
        assertThat(r.json().path("manifests")).as(r::describe).isEmpty();
    }

    @Test
    void shouldListOnlyThisRepositorysReferrersWhenSubjectDigestIsShared() {
        Fixture f = arrange();
        String other = Content.uniqueRepo("referrers-other");
        http().pushManifest(other, "v1", MediaTypes.OCI_MANIFEST, copyImage(f.subject(), other));
        Descriptor empty = http().pushBlob(other, MediaTypes.OCI_EMPTY, Content.EMPTY_JSON);
        byte[] foreign = ManifestJson.ociManifest().artifactType(SBOM).config(empty).layer(empty)
                .subject(f.subject().descriptor()).annotation("repo", "other").bytes();
        String foreignDigest = http().pushManifest(other, Content.sha256(foreign), MediaTypes.OCI_MANIFEST, foreign);

        Response here = http().get("/v2/" + f.repo() + "/referrers/" + f.subject().digest());
        assertThat(byDigest(here.json())).doesNotContainKey(foreignDigest).hasSize(4);
        Response there = http().get("/v2/" + other + "/referrers/" + f.subject().digest());
        assertThat(byDigest(there.json())).containsOnlyKeys(foreignDigest);
    }

    /** Pushes the image's blobs into {@code repo} and returns its manifest bytes (same digest). */
    private byte[] copyImage(PushedImage image, String repo) {
        http().pushBlob(repo, image.configBytes());
        image.layerBytes().forEach(layer -> http().pushBlob(repo, layer));
        return image.manifest();
    }

    private static void assertEmptyOrFilledIndex(Response r) {
        assertStatus(r, 200);
        assertThat(r.mediaType()).as(r::describe).isEqualTo(MediaTypes.OCI_INDEX);
        JsonNode index = r.json();
        assertThat(index.path("schemaVersion").asInt()).as(r::describe).isEqualTo(2);
        assertThat(index.path("mediaType").asText()).as(r::describe).isEqualTo(MediaTypes.OCI_INDEX);
        assertThat(index.path("manifests").isArray()).as(r::describe).isTrue();
    }

    private static Map<String, JsonNode> byDigest(JsonNode index) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode d : index.path("manifests")) {
            assertThat(out.put(d.path("digest").asText(), d)).as("duplicate entry %s", d).isNull();
        }
        return out;
    }
}
