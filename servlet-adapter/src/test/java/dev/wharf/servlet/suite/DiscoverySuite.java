package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's Content Discovery workflow: tag listing with {@code n}, {@code last} and {@code Link} (end-8a,
 * end-8b), the catalog, and the {@code _oci} extension discovery endpoints. Referrers have their own suite.
 */
public abstract class DiscoverySuite extends RegistrySuite {
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    @Test
    void shouldListTagsInAsciiOrderWhenRepositoryHasTags() {
        String repo = Content.uniqueRepo("tags");
        PushedImage image = http().pushImage(repo, "latest");
        for (String tag : List.of("v2", "V1", "1.0", "_private", "Alpha", "beta", "v10")) {
            http().pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, image.manifest());
        }
        Response r = http().get("/v2/" + repo + "/tags/list");
        assertStatus(r, 200);
        assertThat(r.mediaType()).isEqualTo("application/json");
        assertThat(r.json().path("name").asText()).isEqualTo(repo);
        assertThat(texts(r.json().path("tags")))
                .containsExactly("1.0", "Alpha", "V1", "_private", "beta", "latest", "v10", "v2");
        assertThat(r.header("Link")).as("a complete list has no next page").isEmpty();
    }

    @Test
    void shouldPageTagsWhenNAndLastAreGiven() {
        String repo = Content.uniqueRepo("tagpages");
        PushedImage image = http().pushImage(repo, "t1");
        for (String tag : List.of("t2", "t3", "t4", "t5")) {
            http().pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, image.manifest());
        }
        Response first = http().get("/v2/" + repo + "/tags/list?n=2");
        assertStatus(first, 200);
        assertThat(texts(first.json().path("tags"))).containsExactly("t1", "t2");
        String next = nextLink(first).orElseThrow(() -> new AssertionError("Link expected: " + first.describe()));
        assertThat(http().resolve(next).getPath()).isEqualTo("/v2/" + repo + "/tags/list");
        assertThat(next).contains("n=2").contains("last=t2");

        Response second = http().get(next);
        assertStatus(second, 200);
        assertThat(texts(second.json().path("tags"))).containsExactly("t3", "t4");
        Response third = http().get(nextLink(second).orElseThrow(() -> new AssertionError(second.describe())));
        assertStatus(third, 200);
        assertThat(texts(third.json().path("tags"))).containsExactly("t5");
        assertThat(third.header("Link")).as(third::describe).isEmpty();

        Response afterLast = http().get("/v2/" + repo + "/tags/list?last=t3");
        assertStatus(afterLast, 200);
        assertThat(texts(afterLast.json().path("tags"))).containsExactly("t4", "t5");

        Response bigPage = http().get("/v2/" + repo + "/tags/list?n=50");
        assertStatus(bigPage, 200);
        assertThat(texts(bigPage.json().path("tags"))).containsExactly("t1", "t2", "t3", "t4", "t5");
        assertThat(bigPage.header("Link")).as(bigPage::describe).isEmpty();
    }

    @Test
    void shouldCapTagPagesWhenNIsOmittedOrAboveTheServerMaximum() {
        String repo = Content.uniqueRepo("manytags");
        PushedImage image = http().pushImage(repo, "t0000");
        List<String> all = new ArrayList<>(List.of("t0000"));
        StringBuilder query = new StringBuilder();
        for (int i = 1; i <= 1002; i++) {
            String tag = String.format("t%04d", i);
            all.add(tag);
            query.append(query.length() == 0 ? "?" : "&").append("tag=").append(tag);
            if (i % 10 == 0 || i == 1002) {
                Response r = http().put(manifestPath(repo, image.digest()) + query, image.manifest(),
                        "Content-Type", MediaTypes.OCI_MANIFEST);
                assertStatus(r, 201);
                query.setLength(0);
            }
        }
        Response byDefault = http().get("/v2/" + repo + "/tags/list");
        assertStatus(byDefault, 200);
        assertThat(texts(byDefault.json().path("tags"))).containsExactlyElementsOf(all.subList(0, 100));
        assertThat(nextLink(byDefault)).as(byDefault::describe).isPresent();

        Response capped = http().get("/v2/" + repo + "/tags/list?n=5000");
        assertStatus(capped, 200);
        assertThat(texts(capped.json().path("tags"))).containsExactlyElementsOf(all.subList(0, 1000));
        Response rest = http().get(nextLink(capped).orElseThrow(() -> new AssertionError(capped.describe())));
        assertStatus(rest, 200);
        assertThat(texts(rest.json().path("tags"))).containsExactlyElementsOf(all.subList(1000, 1003));
        assertThat(rest.header("Link")).as(rest::describe).isEmpty();
    }

    @Test
    void shouldReturnEmptyTagListWithoutLinkWhenNIsZero() {
        String repo = Content.uniqueRepo("tagzero");
        http().pushImage(repo, "a");
        Response r = http().get("/v2/" + repo + "/tags/list?n=0");
        assertStatus(r, 200);
        assertThat(r.json().path("tags").isArray()).as(r::describe).isTrue();
        assertThat(r.json().path("tags")).as(r::describe).isEmpty();
        assertThat(r.header("Link")).as(r::describe).isEmpty();
    }

    @Test
    void shouldReturnEmptyTagListWhenRepositoryHasOnlyUntaggedManifests() {
        String repo = Content.uniqueRepo("untagged");
        PushedImage image = http().pushImage(repo, "gone");
        assertStatus(http().delete(manifestPath(repo, "gone")), 202);
        assertStatus(http().get(manifestPath(repo, image.digest())), 200);
        Response r = http().get("/v2/" + repo + "/tags/list");
        assertStatus(r, 200);
        assertThat(r.json().path("name").asText()).isEqualTo(repo);
        assertThat(texts(r.json().path("tags"))).isEmpty();
    }

    @Test
    void shouldListRepositoriesInOrderWhenCatalogIsPaged() {
        String prefix = "catalog-" + Content.randomId();
        List<String> mine = List.of(prefix + "/a", prefix + "/b", prefix + "/c");
        for (String repo : mine) {
            http().pushImage(repo, "v1");
        }
        Response firstDefault = http().get("/v2/_catalog");
        assertStatus(firstDefault, 200);
        assertThat(firstDefault.mediaType()).isEqualTo("application/json");
        assertThat(texts(firstDefault.json().path("repositories"))).isNotEmpty().hasSizeLessThanOrEqualTo(100)
                .isSorted().doesNotHaveDuplicates();

        Response first = http().get("/v2/_catalog?n=2&last=" + prefix);
        assertStatus(first, 200);
        assertThat(texts(first.json().path("repositories"))).containsExactly(mine.get(0), mine.get(1));
        String next = nextLink(first).orElseThrow(() -> new AssertionError("Link expected: " + first.describe()));
        assertThat(http().resolve(next).getPath()).isEqualTo("/v2/_catalog");
        Response second = http().get(next);
        assertStatus(second, 200);
        List<String> page = texts(second.json().path("repositories"));
        assertThat(page).hasSizeBetween(1, 2);
        assertThat(page.get(0)).isEqualTo(mine.get(2));

        Response zero = http().get("/v2/_catalog?n=0");
        assertStatus(zero, 200);
        assertThat(zero.json().path("repositories")).isEmpty();
        assertThat(zero.header("Link")).isEmpty();
    }

    @Test
    void shouldVisitEveryRepositoryOnceWhenCatalogLinksAreFollowed() {
        String prefix = "walk-" + Content.randomId();
        List<String> mine = List.of(prefix + "/one", prefix + "/three", prefix + "/two");
        for (String repo : mine) {
            http().pushImage(repo, "v1");
        }
        List<String> seen = new ArrayList<>();
        Optional<String> next = Optional.of("/v2/_catalog?n=7");
        int pages = 0;
        while (next.isPresent()) {
            Response r = http().get(next.get());
            assertStatus(r, 200);
            List<String> page = texts(r.json().path("repositories"));
            assertThat(page).hasSizeLessThanOrEqualTo(7);
            next = nextLink(r);
            seen.addAll(page);
            assertThat(++pages).as("catalog walk terminates").isLessThan(10_000);
        }
        assertThat(seen).containsAll(mine).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldDescribeOciExtensionWhenDiscoverIsQueried() {
        String repo = Content.uniqueRepo("discover");
        http().pushImage(repo, "v1");
        for (String path : List.of("/v2/_oci/ext/discover", "/v2/" + repo + "/_oci/ext/discover")) {
            Response r = http().get(path);
            assertStatus(r, 200);
            assertThat(r.mediaType()).isEqualTo("application/json");
            JsonNode extensions = r.json().path("extensions");
            assertThat(extensions.isArray()).as(r::describe).isTrue();
            JsonNode oci = null;
            for (JsonNode e : extensions) {
                assertThat(e.path("name").isTextual()).as(r::describe).isTrue();
                assertThat(e.path("url").isTextual()).as(r::describe).isTrue();
                assertThat(e.path("endpoints").isArray()).as(r::describe).isTrue();
                if ("_oci".equals(e.path("name").asText())) {
                    oci = e;
                }
            }
            assertThat(oci).as("the _oci extension is listed: %s", r.describe()).isNotNull();
            assertThat(texts(oci.path("endpoints"))).contains("_oci/ext/discover");
        }
    }

    @Test
    void shouldAnnounceAutomaticMountingWhenDiscoverIsQueried() {
        JsonNode wharf = null;
        for (JsonNode e : http().get("/v2/_oci/ext/discover").json().path("extensions")) {
            if ("_wharf".equals(e.path("name").asText())) {
                wharf = e;
            }
        }
        assertThat(wharf).as("the _wharf extension is listed").isNotNull();
        assertThat(wharf.path("features").path("automaticMount").asBoolean()).isTrue();
        assertThat(wharf.path("features").path("conditionalTagUpdates").asBoolean()).isTrue();
    }

    @Test
    void shouldRouteFromTheEndOfThePathWhenNameContainsEndpointWords() {
        String repo = Content.uniqueRepo("routing") + "/blobs/manifests/tags/list/referrers/uploads/v2";
        PushedImage image = http().pushImage(repo, "v1");
        PullSuite.assertManifestResponse(http().get(manifestPath(repo, "v1")), image.manifest(),
                MediaTypes.OCI_MANIFEST);
        Response blob = http().get(blobPath(repo, image.layers().get(0).digest()));
        assertStatus(blob, 200);
        assertThat(blob.body()).isEqualTo(image.layerBytes().get(0));
        Response tags = http().get("/v2/" + repo + "/tags/list");
        assertStatus(tags, 200);
        assertThat(tags.json().path("name").asText()).isEqualTo(repo);
        assertThat(texts(tags.json().path("tags"))).containsExactly("v1");
    }

    @Test
    void shouldSendApiVersionHeaderWhenAnsweringAnyRequest() {
        String repo = Content.uniqueRepo("version");
        PushedImage image = http().pushImage(repo, "v1");
        List<Response> responses = List.of(
                http().get("/v2/"),
                http().get(manifestPath(repo, "v1")),
                http().head(blobPath(repo, image.layers().get(0).digest())),
                http().get("/v2/" + repo + "/tags/list"),
                http().post(uploadsPath(repo), new byte[0]),
                http().get(manifestPath(repo, "missing")),
                http().get("/v2/NotAName/tags/list"));
        for (Response r : responses) {
            assertThat(r.header("Docker-Distribution-API-Version")).as(r::describe).contains("registry/2.0");
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Optional<String> nextLink(Response r) {
        for (String value : r.headerValues("Link")) {
            Matcher m = NEXT_LINK.matcher(value);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }
}
