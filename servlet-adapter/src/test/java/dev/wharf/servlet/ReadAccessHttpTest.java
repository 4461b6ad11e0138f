package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.Action;
import dev.wharf.api.Registry;
import dev.wharf.spi.Authorizer;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listings follow read access. With two callers and an {@link Authorizer}, the catalog lists only what the
 * caller may read (CATALOG and PULL), and its pages and {@code Link} cursors never name or hint at another
 * repository; the tag list, manifests and referrers of a repository the caller cannot read are refused alike
 * whether it exists or not (401 anonymous, 403 authenticated). On every container.
 *
 * <p>The registry holds, in catalog order: {@code alice/a}, {@code alice/b}, {@code alice/catalog-only}
 * (alice may list it but not pull it), {@code alice/pull-only} (the reverse), {@code bob/a}, {@code bob/b},
 * {@code shared/x} (both read it) and {@code zeta/hidden} (only admin). Each holds an image tagged
 * {@code v1} and one referrer of it; admin pushed them all.
 */
class ReadAccessHttpTest {
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final List<String> ALL = List.of("alice/a", "alice/b", "alice/catalog-only", "alice/pull-only",
            "bob/a", "bob/b", "shared/x", "zeta/hidden");
    private static final String SBOM = "application/vnd.wharf.test.sbom";

    /** Admin may do anything; alice and bob may read their own and shared repositories; nobody else anything. */
    static final Authorizer POLICY = (caller, action, repository) -> {
        String user = caller.principal().map(Principal::getName).orElse("");
        String repo = repository.value();
        if (user.equals("admin")) {
            return true;
        }
        if (!user.equals("alice") && !user.equals("bob") || action != Action.PULL && action != Action.CATALOG) {
            return false;
        }
        return switch (repo) {
            case "alice/catalog-only" -> user.equals("alice") && action == Action.CATALOG;
            case "alice/pull-only" -> user.equals("alice") && action == Action.PULL;
            default -> repo.startsWith(user + "/") || repo.startsWith("shared/");
        };
    };

    /** A running registry holding {@link #ALL}, and the image in each repository. */
    private record Arranged(RegistryHttp http, Map<String, PushedImage> images) {
        RegistryHttp as(String user) {
            return http.withHeaders("X-Test-User", user);
        }
    }

    private static void with(ContainerUnderTest container, PolicyHttpTest.ThrowingConsumer<Arranged> body)
            throws Exception {
        Registry registry = Registry.builder().authorizer(POLICY).build();
        try (RegistryServer server = container.start(registry, PolicyHttpTest.TEST_USER)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            RegistryHttp admin = http.withHeaders("X-Test-User", "admin");
            Map<String, PushedImage> images = new LinkedHashMap<>();
            for (String repo : ALL) {
                PushedImage image = admin.pushImage(repo, "v1");
                byte[] referrer = ManifestJson.ociManifest().artifactType(SBOM).config(image.config())
                        .subject(new Descriptor(MediaTypes.OCI_MANIFEST, image.digest(), image.manifest().length))
                        .bytes();
                admin.pushManifest(repo, Content.sha256(referrer), MediaTypes.OCI_MANIFEST, referrer);
                images.put(repo, image);
            }
            body.accept(new Arranged(http, images));
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldListOnlyReadableRepositoriesWhenTwoCallersAskForTheCatalog(ContainerUnderTest container)
            throws Exception {
        with(container, a -> {
            assertThat(catalog(a.as("alice"), "/v2/_catalog")).containsExactly("alice/a", "alice/b", "shared/x");
            assertThat(catalog(a.as("bob"), "/v2/_catalog")).containsExactly("bob/a", "bob/b", "shared/x");
            assertThat(catalog(a.as("admin"), "/v2/_catalog")).containsExactlyElementsOf(ALL);
            assertThat(catalog(a.http(), "/v2/_catalog")).isEmpty();
            // A cursor naming a repository the caller cannot read gets nothing more than the names after it.
            assertThat(catalog(a.as("alice"), "/v2/_catalog?last=alice/catalog-only")).containsExactly("shared/x");
            assertThat(catalog(a.as("bob"), "/v2/_catalog?last=alice")).containsExactly("bob/a", "bob/b", "shared/x");
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldPageTheCatalogWithoutCursorsOrPagesForUnreadableRepositories(ContainerUnderTest container)
            throws Exception {
        with(container, a -> {
            for (int n = 1; n <= 3; n++) {
                List<List<String>> alice = walk(a.as("alice"), n);
                assertThat(alice.stream().flatMap(List::stream).toList()).as("n=%d", n)
                        .containsExactly("alice/a", "alice/b", "shared/x");
                assertThat(alice).as("n=%d: no empty page, so no Link pointed past the last readable name", n)
                        .allSatisfy(page -> assertThat(page).isNotEmpty())
                        .hasSize((3 + n - 1) / n);
                List<List<String>> bob = walk(a.as("bob"), n);
                assertThat(bob.stream().flatMap(List::stream).toList()).as("n=%d", n)
                        .containsExactly("bob/a", "bob/b", "shared/x");
                assertThat(bob).as("n=%d", n).hasSize((3 + n - 1) / n);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseUnreadableRepositoryAlikeWhetherItExistsOrNot(ContainerUnderTest container) throws Exception {
        with(container, a -> {
            String subject = a.images().get("bob/a").digest();
            List<Function<String, String>> paths = List.of(
                    repo -> "/v2/" + repo + "/tags/list",
                    repo -> "/v2/" + repo + "/tags/list?n=0",
                    repo -> "/v2/" + repo + "/manifests/v1",
                    repo -> "/v2/" + repo + "/referrers/" + subject,
                    repo -> "/v2/" + repo + "/referrers/" + subject + "?artifactType=" + SBOM);
            for (Function<String, String> path : paths) {
                for (String repo : List.of("bob/a", "bob/never-pushed", "alice/catalog-only")) {
                    assertError(a.as("alice").get(path.apply(repo)), 403, "DENIED");
                    Response anonymous = a.http().get(path.apply(repo));
                    assertError(anonymous, 401, "UNAUTHORIZED");
                    assertThat(anonymous.header("WWW-Authenticate")).as(anonymous::describe).isPresent();
                }
                assertHeadError(a.as("alice").head(path.apply("bob/a")), 403);
                assertHeadError(a.as("alice").head(path.apply("bob/never-pushed")), 403);
            }
            // Where alice may read, existence is hers to know.
            assertError(a.as("alice").get("/v2/alice/never-pushed/tags/list"), 404, "NAME_UNKNOWN");
            assertStatus(a.as("alice").get("/v2/alice/pull-only/tags/list"), 200);
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldListTagsAndReferrersOfReadableRepositoriesOnly(ContainerUnderTest container) throws Exception {
        with(container, a -> {
            PushedImage shared = a.images().get("shared/x");
            for (String user : List.of("alice", "bob")) {
                Response tags = a.as(user).get("/v2/shared/x/tags/list");
                assertStatus(tags, 200);
                assertThat(texts(tags.json().path("tags"))).containsExactly("v1");
                Response referrers = a.as(user).get("/v2/shared/x/referrers/" + shared.digest());
                assertStatus(referrers, 200);
                assertThat(referrers.json().path("manifests")).hasSize(1);
                assertThat(referrers.json().path("manifests").get(0).path("artifactType").asText()).isEqualTo(SBOM);
            }
            // bob/a's referrer is bob's: asking from alice's repository for bob's subject shows nothing of it.
            Response elsewhere = a.as("alice").get("/v2/alice/a/referrers/" + a.images().get("bob/a").digest());
            assertStatus(elsewhere, 200);
            assertThat(elsewhere.json().path("manifests")).isEmpty();
        });
    }

    /** Every repository name of one catalog page, asserting 200. */
    private static List<String> catalog(RegistryHttp http, String path) {
        Response r = http.get(path);
        assertStatus(r, 200);
        return texts(r.json().path("repositories"));
    }

    /** Follows the catalog's {@code Link}s from the start with page size {@code n}; one list per page. */
    private static List<List<String>> walk(RegistryHttp http, int n) {
        List<List<String>> pages = new ArrayList<>();
        Optional<String> next = Optional.of("/v2/_catalog?n=" + n);
        while (next.isPresent()) {
            Response r = http.get(next.get());
            assertStatus(r, 200);
            pages.add(texts(r.json().path("repositories")));
            next = nextLink(r);
            assertThat(pages).as("the walk ends").hasSizeLessThan(20);
        }
        return pages;
    }

    private static Optional<String> nextLink(Response r) {
        for (String value : r.headerValues("Link")) {
            Matcher m = NEXT_LINK.matcher(value);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }
}
