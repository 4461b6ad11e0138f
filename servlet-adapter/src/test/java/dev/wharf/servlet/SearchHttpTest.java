package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.Registry;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search over HTTP on every container ({@code GET /v2/_wharf/ext/search}, {@code GET /v2/<name>/_wharf/ext/tags}):
 * a table of queries (each filter, combinations, both orders of each sort) walked to the end through the
 * {@code Link} headers at several page sizes against content whose answers are known; paging with no duplicate
 * and no gap while pushes and deletes run (every tag that exists unchanged throughout is met exactly once, in
 * order); what a caller with fewer rights sees; each bad parameter refused by name.
 */
class SearchHttpTest {
    private static final String HELM = "application/vnd.cncf.helm.config.v1+json";
    private static final String SIGNATURE = "application/vnd.example.signature";
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    /** One pushed tag, with the order of its push (push times follow it: each clock reading is a second later). */
    private record Known(String repository, String tag, String digest, String mediaType, String artifactType,
                         Map<String, String> annotations, long order) {
    }

    /** A clock a second further on at each reading, so that every push has a time of its own. */
    private static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.incrementAndGet());
        }
    }

    private final Map<String, Known> known = new LinkedHashMap<>();
    private long pushes;

    private RegistryServer start(ContainerUnderTest container) throws Exception {
        Registry registry = Registry.builder().clock(new TickingClock()).pageSizes(100, 500)
                .authorizer((caller, action, repository) -> caller.principal().map(p -> !p.getName().equals("alice"))
                        .orElse(true) || repository.value().startsWith("team/"))
                .build();
        return container.start(registry, PolicyHttpTest.TEST_USER);
    }

    private void image(RegistryHttp http, String repo, String tag, String configType, Map<String, String> notes) {
        byte[] config = Content.utf8("{\"for\":\"" + repo + ":" + tag + "\",\"id\":\"" + Content.randomId() + "\"}");
        ManifestJson manifest = ManifestJson.ociManifest().config(http.pushBlob(repo, configType, config))
                .layer(http.pushBlob(repo, MediaTypes.OCI_LAYER, Content.randomBytes(100)));
        notes.forEach(manifest::annotation);
        push(http, repo, tag, manifest, configType, notes);
    }

    private void push(RegistryHttp http, String repo, String tag, ManifestJson manifest, String artifactType,
                      Map<String, String> notes) {
        String digest = http.pushManifest(repo, tag, manifest.mediaType(), manifest.bytes());
        known.put(repo + ":" + tag, new Known(repo, tag, digest, manifest.mediaType(), artifactType, notes, ++pushes));
    }

    private void pushKnownContent(RegistryHttp http) {
        image(http, "team/app", "v1", MediaTypes.OCI_CONFIG, Map.of());
        image(http, "team/app", "v2", MediaTypes.OCI_CONFIG, Map.of("tier", "gold"));
        image(http, "team/lib", "1.0", HELM, Map.of("org.opencontainers.image.title", "lib"));
        image(http, "team/lib", "1.1", HELM, Map.of("tier", "gold"));
        push(http, "team/sub/app", "v1", ManifestJson.ociIndex().annotation("tier", "gold"), null,
                Map.of("tier", "gold"));
        image(http, "private/secret", "v1", HELM, Map.of("tier", "gold"));
        image(http, "team/app", "latest", MediaTypes.OCI_CONFIG, Map.of());
        Descriptor empty = http.pushBlob("team/app", MediaTypes.OCI_EMPTY, Content.utf8("{}"));
        push(http, "team/app", "v1.sig", ManifestJson.ociManifest().artifactType(SIGNATURE).config(empty), SIGNATURE,
                Map.of());
        image(http, "private/a", "latest", MediaTypes.OCI_CONFIG, Map.of());
        image(http, "team/app", "v2", MediaTypes.OCI_CONFIG, Map.of("tier", "platinum")); // v2 moves
    }

    /** Every result, following the Link headers; checks each page against {@code n} and the body's cursor. */
    private static List<JsonNode> walk(RegistryHttp http, String first, int n) {
        List<JsonNode> all = new ArrayList<>();
        String url = first;
        for (int pages = 0; url != null; pages++) {
            assertThat(pages).as("pages walked from %s", first).isLessThan(500);
            Response r = http.get(url);
            assertStatus(r, 200);
            JsonNode body = r.json();
            assertThat(body.path("results").size()).as(r::describe).isLessThanOrEqualTo(n);
            body.path("results").forEach(all::add);
            url = r.header("Link").map(link -> {
                Matcher m = NEXT.matcher(link);
                assertThat(m.find()).as("Link %s", link).isTrue();
                return m.group(1);
            }).orElse(null);
            assertThat(body.has("next")).as("a cursor in the body exactly when a Link: %s", r.describe())
                    .isEqualTo(url != null);
        }
        return all;
    }

    private static String key(JsonNode result) {
        return result.path("repository").asText() + ":" + result.path("tag").asText();
    }

    private List<String> expected(String sort, boolean descending, boolean alice, Predicate<Known> filter) {
        Comparator<Known> byName = Comparator.comparing(Known::repository).thenComparing(Known::tag);
        Comparator<Known> order = sort.equals("name") ? byName : Comparator.comparingLong(Known::order);
        return known.values().stream()
                .filter(k -> !alice || k.repository().startsWith("team/"))
                .filter(filter)
                .sorted(descending ? order.reversed() : order)
                .map(k -> k.repository() + ":" + k.tag())
                .toList();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnswerATableOfQueriesWithKnownAnswersPageByPage(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = start(container)) {
            RegistryHttp admin = new RegistryHttp(server.baseUri());
            RegistryHttp alice = admin.withHeaders("X-Test-User", "alice");
            pushKnownContent(admin);
            String search = "/v2/_wharf/ext/search?";
            long middle = known.get("team/sub/app:v1").order();
            Map<String, Predicate<Known>> table = new LinkedHashMap<>();
            table.put(search, k -> true);
            table.put(search + "q=team/", k -> k.repository().startsWith("team/"));
            table.put(search + "q=" + encode("**/app"), k -> k.repository().endsWith("/app"));
            table.put(search + "q=" + encode("team/*"), k -> k.repository().matches("team/[^/]+"));
            table.put(search + "tag=" + encode("v*"), k -> k.tag().startsWith("v"));
            table.put(search + "tag=" + encode("?.?"), k -> k.tag().matches(".\\..") );
            table.put(search + "artifactType=" + encode(HELM), k -> HELM.equals(k.artifactType()));
            table.put(search + "artifactType=" + encode(HELM) + "&artifactType=" + encode(SIGNATURE),
                    k -> HELM.equals(k.artifactType()) || SIGNATURE.equals(k.artifactType()));
            table.put(search + "mediaType=" + encode(MediaTypes.OCI_INDEX), k -> k.mediaType().equals(MediaTypes.OCI_INDEX));
            table.put(search + "annotation=tier=gold", k -> "gold".equals(k.annotations().get("tier")));
            table.put(search + "annotation=tier=gold&mediaType=" + encode(MediaTypes.OCI_MANIFEST),
                    k -> "gold".equals(k.annotations().get("tier")) && k.mediaType().equals(MediaTypes.OCI_MANIFEST));
            table.put(search + "q=team/&tag=" + encode("v*") + "&artifactType=" + encode(MediaTypes.OCI_CONFIG),
                    k -> k.repository().startsWith("team/") && k.tag().startsWith("v")
                            && MediaTypes.OCI_CONFIG.equals(k.artifactType()));
            table.put("/v2/team/app/_wharf/ext/tags?", k -> k.repository().equals("team/app"));
            table.put("/v2/team/lib/_wharf/ext/tags?tag=" + encode("1.*"), k -> k.repository().equals("team/lib"));

            // The push and update times of the middle push, read back, bound the date filters.
            JsonNode pivot = walk(admin, "/v2/team/sub/app/_wharf/ext/tags", 100).get(0);
            String at = pivot.path("pushed").asText();
            assertThat(pivot.path("updated").asText()).isEqualTo(at);
            table.put(search + "pushedAfter=" + at, k -> k.order() > middle);
            table.put(search + "pushedBefore=" + at, k -> k.order() < middle);
            table.put(search + "updatedAfter=" + at, k -> k.order() > middle);
            table.put(search + "updatedBefore=" + encode(Instant.parse(at).atOffset(ZoneOffset.ofHours(2)).toString()),
                    k -> k.order() < middle);

            for (Map.Entry<String, Predicate<Known>> row : table.entrySet()) {
                assertThat(expected("name", false, false, row.getValue())).as("the known answer of %s", row.getKey())
                        .isNotEmpty();
                for (String sort : List.of("name", "pushed", "updated")) {
                    for (String order : List.of("asc", "desc")) {
                        for (int n : new int[] {1, 3, 100}) {
                            String url = row.getKey() + "&sort=" + sort + "&order=" + order + "&n=" + n;
                            boolean repositoryView = !url.startsWith(search);
                            for (boolean asAlice : new boolean[] {false, true}) {
                                if (asAlice && repositoryView && url.contains("/private/")) {
                                    continue;
                                }
                                assertThat(walk(asAlice ? alice : admin, url, n))
                                        .as("%s as %s", url, asAlice ? "alice" : "admin")
                                        .extracting(SearchHttpTest::key)
                                        .containsExactlyElementsOf(
                                                expected(sort, order.equals("desc"), asAlice, row.getValue()));
                            }
                        }
                    }
                }
            }

            JsonNode v2 = walk(admin, "/v2/team/app/_wharf/ext/tags?tag=v2", 100).get(0);
            Known moved = known.get("team/app:v2");
            assertThat(v2.path("digest").asText()).isEqualTo(moved.digest());
            assertThat(v2.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(v2.path("artifactType").asText()).isEqualTo(MediaTypes.OCI_CONFIG);
            assertThat(v2.path("annotations").path("tier").asText()).isEqualTo("platinum");
            assertThat(v2.path("size").asLong()).as("manifest, config and layer").isGreaterThan(100 + 20);
            JsonNode index = walk(admin, "/v2/team/sub/app/_wharf/ext/tags", 100).get(0);
            assertThat(index.has("artifactType")).as("an index without an artifact type").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldPageToTheEndWithoutDuplicatesOrGapsWhilePushesAndDeletesRun(ContainerUnderTest container)
            throws Exception {
        try (RegistryServer server = start(container)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] config = Content.utf8("{}");
            Descriptor empty = http.pushBlob("stable/app", MediaTypes.OCI_EMPTY, config);
            byte[] manifest = ManifestJson.ociManifest().artifactType(SIGNATURE).config(empty).bytes();
            List<String> stable = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String tag = String.format("t%02d", i);
                http.pushManifest("stable/app", tag, MediaTypes.OCI_MANIFEST, manifest);
                stable.add("stable/app:" + tag);
            }
            http.pushBlob("churn/x", MediaTypes.OCI_EMPTY, config);
            http.pushBlob("stable/zz", MediaTypes.OCI_EMPTY, config);
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService churn = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> writers = new ArrayList<>();
                for (String repo : List.of("churn/x", "stable/zz")) {
                    writers.add(churn.submit(() -> {
                        int changes = 0;
                        while (!done.get() || changes < 10) {
                            String tag = "c" + (changes % 7);
                            http.pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, manifest);
                            if (changes % 2 == 1) {
                                assertStatus(http.delete("/v2/" + repo + "/manifests/c" + (changes % 7 - 1 + 7) % 7),
                                        202);
                            }
                            changes++;
                        }
                        return changes;
                    }));
                }
                for (String query : List.of("sort=name&order=asc", "sort=name&order=desc", "sort=pushed&order=asc",
                        "sort=pushed&order=desc", "sort=updated&order=desc")) {
                    List<String> seen = walk(http, "/v2/_wharf/ext/search?n=3&" + query, 3).stream()
                            .map(SearchHttpTest::key).toList();
                    if (query.startsWith("sort=name")) {
                        // A tag has one place in name order. In a time order, one pushed again or moved while the
                        // walk runs takes a new place and may be met there again, as in any listing of live data.
                        assertThat(new HashSet<>(seen)).as("no result twice in %s", query).hasSameSizeAs(seen);
                    }
                    List<String> stableSeen = seen.stream().filter(stable::contains).toList();
                    List<String> stableExpected = new ArrayList<>(stable);
                    if (query.contains("desc")) {
                        java.util.Collections.reverse(stableExpected);
                    }
                    assertThat(stableSeen).as("every tag that existed throughout, once, in order, in %s", query)
                            .containsExactlyElementsOf(stableExpected);
                }
                done.set(true);
                for (Future<Integer> writer : writers) {
                    assertThat(writer.get()).isGreaterThanOrEqualTo(10);
                }
            } finally {
                done.set(true);
                churn.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseEachBadParameterByName(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = start(container)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            image(http, "team/app", "v1", MediaTypes.OCI_CONFIG, Map.of());
            image(http, "team/app", "v2", MediaTypes.OCI_CONFIG, Map.of());
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("pushedAfter=yesterday", "pushedAfter");
            bad.put("updatedBefore=2026-13-01T00:00:00Z", "updatedBefore");
            bad.put("pushedBefore=2026-01-01", "pushedBefore");
            bad.put("sort=size", "sort");
            bad.put("order=up", "order");
            bad.put("cursor=bm90LWEtY3Vyc29y", "cursor");
            bad.put("q=Team", "q");
            bad.put("q=team&q=other", "q");
            bad.put("tag=a/b", "tag");
            bad.put("annotation=novalue", "annotation");
            bad.put("colour=blue", "colour");
            for (Map.Entry<String, String> row : bad.entrySet()) {
                JsonNode error = assertError(http.get("/v2/_wharf/ext/search?" + row.getKey()), 400, "QUERY_INVALID");
                assertThat(error.path("detail").path("parameter").asText()).as(row.getKey()).isEqualTo(row.getValue());
            }
            for (String n : List.of("0", "501", "ten", "-1")) {
                JsonNode error = assertError(http.get("/v2/_wharf/ext/search?n=" + n), 400, "PAGINATION_NUMBER_INVALID");
                assertThat(error.path("detail").path("parameter").asText()).isEqualTo("n");
            }
            JsonNode refused = assertError(http.get("/v2/team/app/_wharf/ext/tags?q=team"), 400, "QUERY_INVALID");
            assertThat(refused.path("detail").path("parameter").asText()).isEqualTo("q");
            assertError(http.get("/v2/no/such/_wharf/ext/tags"), 404, "NAME_UNKNOWN");

            // A cursor continues its own query and caller's only.
            Response first = http.get("/v2/_wharf/ext/search?n=1");
            String cursor = first.json().path("next").asText();
            assertThat(cursor).isNotEmpty();
            assertError(http.get("/v2/_wharf/ext/search?n=1&tag=v2&cursor=" + cursor), 400, "QUERY_INVALID");
            assertError(http.withHeaders("X-Test-User", "alice").get("/v2/_wharf/ext/search?n=1&cursor=" + cursor),
                    400, "QUERY_INVALID");
            assertThat(http.get("/v2/_wharf/ext/search?n=1&cursor=" + cursor).json().path("results").get(0)
                    .path("tag").asText()).isEqualTo("v2");

            JsonNode discover = http.get("/v2/_oci/ext/discover").json();
            assertThat(discover.toString()).contains("_wharf/ext/search").contains("_wharf/ext/tags");
        }
    }
}
