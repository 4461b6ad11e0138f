package dev.wharf.core;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchPage;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.SearchResult;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.spi.Authorizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Registry#search}: each filter, combinations, both orders of each sort, paging to the end, against content
 * whose answers are known (each pushed tag is remembered with what the search must say about it); what callers
 * with fewer rights see and cannot learn; bad limits and cursors refused by name.
 */
class SearchTest {
    private static final Caller ADMIN = Caller.of(() -> "admin");
    private static final Caller ALICE = Caller.of(() -> "alice");
    private static final String HELM = "application/vnd.cncf.helm.config.v1+json";
    private static final String SIGNATURE = "application/vnd.example.signature";
    /** Alice may read team/** only; everyone else everything. */
    private static final Authorizer RIGHTS = (caller, action, repository) ->
            !caller.equals(ALICE) || repository.value().startsWith("team/");

    private final UploadSemanticsTest.MutableClock clock = new UploadSemanticsTest.MutableClock();
    private Registry registry;
    /** What the search must say about each tag pushed, by repository and tag. */
    private final Map<String, SearchResult> known = new LinkedHashMap<>();

    @BeforeEach
    void pushKnownContent() {
        registry = Registry.builder().clock(clock).authorizer(RIGHTS).pageSizes(100, 500).build();
        pushKnownContent(registry, true);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    /** The content: images, Helm charts, an index, a signature, annotations; times one second apart. */
    private void pushKnownContent(Registry target, boolean withHidden) {
        image(target, "team/app", "v1", MediaTypes.OCI_CONFIG, Map.of());
        image(target, "team/app", "v2", MediaTypes.OCI_CONFIG, Map.of("tier", "gold"));
        image(target, "team/lib", "1.0", HELM, Map.of("org.opencontainers.image.title", "lib"));
        image(target, "team/lib", "1.1", HELM, Map.of("org.opencontainers.image.title", "lib", "tier", "gold"));
        index(target, "team/sub/app", "v1", Map.of());
        if (withHidden) {
            image(target, "private/secret", "v1", HELM, Map.of("tier", "gold"));
            image(target, "private/secret", "v2", MediaTypes.OCI_CONFIG, Map.of());
        }
        image(target, "team/app", "latest", MediaTypes.OCI_CONFIG, Map.of("tier", "silver"));
        signature(target, "team/app", "v1.sig");
        if (withHidden) {
            image(target, "private/a", "latest", MediaTypes.OCI_CONFIG, Map.of());
        }
        image(target, "team/app", "v2", MediaTypes.OCI_CONFIG, Map.of("tier", "platinum")); // v2 moves
        pushAgain(target, "team/lib", "1.0"); // pushed again: a new push time, the tag did not move
    }

    private void pushAgain(Registry target, String repo, String tag) {
        RepositoryName repository = RepositoryName.of(repo);
        dev.wharf.api.Manifest manifest = target.manifest(ADMIN, repository, Tag.of(tag));
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        target.pushManifest(ADMIN, repository, Tag.of(tag), manifest.mediaType(), manifest.bytes(), List.of());
        if (target == registry) {
            SearchResult was = known.get(repo + ":" + tag);
            known.put(repo + ":" + tag, new SearchResult(was.repository(), was.tag(), was.digest(), was.mediaType(),
                    was.artifactType(), was.size(), clock.now, was.updatedAt(), was.annotations()));
        }
    }

    private Digest blob(Registry target, RepositoryName repository, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Digest digest = DigestAlgorithm.SHA256.digest(bytes);
        target.pushBlob(ADMIN, repository, digest, UploadChunk.of(bytes));
        return digest;
    }

    private static String annotations(Map<String, String> annotations) {
        StringBuilder json = new StringBuilder("{");
        annotations.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":\"")
                .append(v).append('"'));
        return json.append('}').toString();
    }

    private void image(Registry target, String repo, String tag, String configType, Map<String, String> notes) {
        RepositoryName repository = RepositoryName.of(repo);
        String config = "{\"for\":\"" + repo + ":" + tag + "\"}";
        String layer = "layer of " + repo + ":" + tag;
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + configType + "\",\"digest\":\"" + blob(target, repository, config) + "\",\"size\":" + config.length()
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + blob(target, repository, layer) + "\",\"size\":" + layer.length() + "}],\"annotations\":"
                + annotations(notes) + "}";
        push(target, repository, tag, MediaTypes.OCI_MANIFEST, json, Optional.of(configType), notes,
                config.length() + layer.length());
    }

    private void index(Registry target, String repo, String tag, Map<String, String> notes) {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[],"
                + "\"annotations\":" + annotations(notes) + "}";
        push(target, RepositoryName.of(repo), tag, MediaTypes.OCI_INDEX, json, Optional.empty(), notes, 0);
    }

    private void signature(Registry target, String repo, String tag) {
        RepositoryName repository = RepositoryName.of(repo);
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\""
                + SIGNATURE + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\""
                + blob(target, repository, "{}") + "\",\"size\":2},\"layers\":[]}";
        push(target, repository, tag, MediaTypes.OCI_MANIFEST, json, Optional.of(SIGNATURE), Map.of(), 2);
    }

    private void push(Registry target, RepositoryName repository, String tag, String mediaType, String json,
                      Optional<String> artifactType, Map<String, String> notes, long referenced) {
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Digest digest = target.pushManifest(ADMIN, repository, Tag.of(tag), mediaType, bytes, List.of()).digest();
        if (target == registry) {
            known.put(repository.value() + ":" + tag, new SearchResult(repository, Tag.of(tag), digest, mediaType,
                    artifactType, bytes.length + referenced, clock.now, clock.now, notes));
        }
    }

    /** Every result of the query, page by page, checking each page's size and that only the last has no cursor. */
    private static List<SearchResult> walk(Registry target, Caller caller, SearchQuery query) {
        List<SearchResult> all = new ArrayList<>();
        SearchPage page = target.search(caller, query);
        for (int pages = 1; ; pages++) {
            assertThat(page.results()).hasSizeLessThanOrEqualTo(query.limit());
            all.addAll(page.results());
            if (page.next().isEmpty()) {
                return all;
            }
            assertThat(pages).as("pages walked").isLessThan(1_000);
            page = target.search(caller, query.withCursor(page.next().get()));
        }
    }

    /** The known results the caller may see that pass {@code filter}, in the query's order. */
    private List<SearchResult> expected(Caller caller, SearchQuery query, Predicate<SearchResult> filter) {
        Comparator<SearchResult> byName = Comparator.comparing((SearchResult r) -> r.repository().value())
                .thenComparing(r -> r.tag().value());
        Comparator<SearchResult> order = switch (query.sort()) {
            case NAME -> byName;
            case PUSHED -> Comparator.comparing(SearchResult::pushedAt).thenComparing(byName);
            case UPDATED -> Comparator.comparing(SearchResult::updatedAt).thenComparing(byName);
        };
        return known.values().stream()
                .filter(r -> RIGHTS.permits(caller, Action.PULL, r.repository()))
                .filter(filter)
                .sorted(query.order() == SearchQuery.Order.DESC ? order.reversed() : order)
                .toList();
    }

    private void assertAnswers(SearchQuery query, Predicate<SearchResult> filter) {
        for (Caller caller : List.of(ADMIN, ALICE)) {
            for (int n : new int[] {1, 2, 100}) {
                for (SearchQuery.Order order : SearchQuery.Order.values()) {
                    SearchQuery asked = query.withSort(query.sort(), order).withLimit(n);
                    assertThat(walk(registry, caller, asked)).as("%s for %s", asked, caller)
                            .containsExactlyElementsOf(expected(caller, asked, filter));
                }
            }
        }
    }

    @Test
    void shouldAnswerEachFilterAndCombinationInEveryOrderPageByPage() {
        assertThat(known).hasSize(10);
        Instant third = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(5); // pushes come at +1 s to +12 s
        Map<SearchQuery, Predicate<SearchResult>> table = new LinkedHashMap<>();
        table.put(SearchQuery.all(), r -> true);
        table.put(SearchQuery.all().withRepositories("team/"), r -> r.repository().value().startsWith("team/"));
        table.put(SearchQuery.all().withRepositories("team/app"), r -> r.repository().value().startsWith("team/app"));
        table.put(SearchQuery.all().withRepositories("**/app"), r -> r.repository().value().endsWith("/app"));
        table.put(SearchQuery.all().withRepositories("team/*"), r -> r.repository().value().matches("team/[^/]+"));
        table.put(SearchQuery.all().withTags("v*"), r -> r.tag().value().startsWith("v"));
        table.put(SearchQuery.all().withTags("v?"), r -> r.tag().value().matches("v."));
        table.put(SearchQuery.all().withArtifactTypes(Set.of(HELM)), r -> r.artifactType().equals(Optional.of(HELM)));
        table.put(SearchQuery.all().withArtifactTypes(Set.of(HELM, SIGNATURE)),
                r -> r.artifactType().filter(t -> t.equals(HELM) || t.equals(SIGNATURE)).isPresent());
        table.put(SearchQuery.all().withMediaTypes(Set.of(MediaTypes.OCI_INDEX)),
                r -> r.mediaType().equals(MediaTypes.OCI_INDEX));
        table.put(SearchQuery.all().withAnnotations(Map.of("tier", "gold")),
                r -> "gold".equals(r.annotations().get("tier")));
        table.put(SearchQuery.all().withPushedAfter(third), r -> r.pushedAt().isAfter(third));
        table.put(SearchQuery.all().withPushedBefore(third), r -> r.pushedAt().isBefore(third));
        table.put(SearchQuery.all().withUpdatedAfter(third).withSort(SearchQuery.Sort.UPDATED),
                r -> r.updatedAt().isAfter(third));
        table.put(SearchQuery.all().withPushedAfter(third).withSort(SearchQuery.Sort.PUSHED),
                r -> r.pushedAt().isAfter(third));
        table.put(SearchQuery.all().withPushedBefore(third).withSort(SearchQuery.Sort.PUSHED),
                r -> r.pushedAt().isBefore(third));
        table.put(SearchQuery.all().withRepositories("team/").withArtifactTypes(Set.of(MediaTypes.OCI_CONFIG))
                        .withTags("v*").withSort(SearchQuery.Sort.PUSHED),
                r -> r.repository().value().startsWith("team/")
                        && r.artifactType().equals(Optional.of(MediaTypes.OCI_CONFIG)) && r.tag().value().startsWith("v"));
        table.put(SearchQuery.in(RepositoryName.of("team/app")), r -> r.repository().value().equals("team/app"));
        table.put(SearchQuery.in(RepositoryName.of("team/app")).withSort(SearchQuery.Sort.UPDATED),
                r -> r.repository().value().equals("team/app"));
        table.put(SearchQuery.in(RepositoryName.of("team/lib")).withSort(SearchQuery.Sort.PUSHED).withTags("1.*"),
                r -> r.repository().value().equals("team/lib"));
        table.forEach((query, filter) -> {
            assertThat(expected(ADMIN, query, filter)).as("the known answer of %s", query).isNotEmpty();
            assertAnswers(query, filter);
        });
    }

    @Test
    void shouldSayWhatEachTagIsSizeTimesAndAnnotationsIncluded() {
        SearchResult v2 = registry.search(ADMIN, SearchQuery.in(RepositoryName.of("team/app")).withTags("v2"))
                .results().get(0);
        assertThat(v2).isEqualTo(known.get("team/app:v2"));
        assertThat(v2.annotations()).containsEntry("tier", "platinum");
        assertThat(v2.size()).isGreaterThan(v2.digest().toString().length()); // the manifest and its blobs
        SearchResult index = registry.search(ADMIN, SearchQuery.all().withMediaTypes(Set.of(MediaTypes.OCI_INDEX)))
                .results().get(0);
        assertThat(index.artifactType()).isEmpty();
        assertThat(index.tag().value()).isEqualTo("v1");
    }

    @Test
    void shouldShowOnlyWhatTheCallerMayReadAndRevealNothingOfTheRest() {
        assertThat(walk(registry, ALICE, SearchQuery.all().withLimit(100)))
                .allMatch(r -> r.repository().value().startsWith("team/")).hasSize(7);
        // The same pages, page for page, as in a registry where the hidden repositories never existed (pushed
        // later, so only the times differ, and not their order).
        try (Registry without = Registry.builder().clock(clock).authorizer(RIGHTS).pageSizes(100, 500).build()) {
            pushKnownContent(without, false);
            for (SearchQuery.Sort sort : SearchQuery.Sort.values()) {
                for (SearchQuery.Order order : SearchQuery.Order.values()) {
                    for (int n = 1; n <= 4; n++) {
                        SearchQuery query = SearchQuery.all().withSort(sort, order).withLimit(n);
                        assertThat(pages(registry, ALICE, query)).as("%s", query)
                                .isEqualTo(pages(without, ALICE, query));
                    }
                }
            }
        }
        assertThatThrownBy(() -> registry.search(ALICE, SearchQuery.in(RepositoryName.of("private/secret"))))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.code()).isIn(ErrorCode.DENIED, ErrorCode.UNAUTHORIZED));
    }

    /** Each page's results and whether it had a cursor: all a caller can observe (cursors are sealed anew each time). */
    private static List<Map.Entry<List<SearchResult>, Boolean>> pages(Registry target, Caller caller,
                                                                      SearchQuery query) {
        List<Map.Entry<List<SearchResult>, Boolean>> pages = new ArrayList<>();
        SearchPage page = target.search(caller, query);
        while (true) {
            pages.add(Map.entry(page.results().stream().map(r -> new SearchResult(r.repository(), r.tag(),
                    r.digest(), r.mediaType(), r.artifactType(), r.size(), Instant.EPOCH, Instant.EPOCH,
                    r.annotations())).toList(), page.next().isPresent()));
            if (page.next().isEmpty()) {
                return pages;
            }
            page = target.search(caller, query.withCursor(page.next().get()));
        }
    }

    @Test
    void shouldRefuseLimitsOutOfRangeAndCursorsThatAreNotThisQuerysOrCallers() {
        assertRefused(() -> registry.search(ADMIN, SearchQuery.all().withLimit(0)),
                ErrorCode.PAGINATION_NUMBER_INVALID, "n");
        assertRefused(() -> registry.search(ADMIN, SearchQuery.all().withLimit(501)),
                ErrorCode.PAGINATION_NUMBER_INVALID, "n");
        String cursor = registry.search(ADMIN, SearchQuery.all().withLimit(2)).next().orElseThrow();
        assertThat(registry.search(ADMIN, SearchQuery.all().withLimit(5).withCursor(cursor)).results())
                .as("a cursor goes on with another page size").hasSize(5);
        assertRefused(() -> registry.search(ADMIN, SearchQuery.all().withCursor("not a cursor")),
                ErrorCode.QUERY_INVALID, "cursor");
        assertRefused(() -> registry.search(ADMIN, SearchQuery.all().withTags("v*").withCursor(cursor)),
                ErrorCode.QUERY_INVALID, "cursor");
        assertRefused(() -> registry.search(ALICE, SearchQuery.all().withCursor(cursor)),
                ErrorCode.QUERY_INVALID, "cursor");
        char[] changed = cursor.toCharArray();
        changed[changed.length / 2] = changed[changed.length / 2] == 'A' ? 'B' : 'A';
        assertRefused(() -> registry.search(ADMIN, SearchQuery.all().withCursor(new String(changed))),
                ErrorCode.QUERY_INVALID, "cursor");
        try (Registry other = Registry.builder().build()) {
            assertRefused(() -> other.search(ADMIN, SearchQuery.all().withCursor(cursor)),
                    ErrorCode.QUERY_INVALID, "cursor");
        }
        assertRefused(() -> registry.search(ADMIN, SearchQuery.in(RepositoryName.of("no/such"))),
                ErrorCode.NAME_UNKNOWN, null);
    }

    private static void assertRefused(Runnable search, ErrorCode code, String parameter) {
        assertThatThrownBy(search::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            if (parameter != null) {
                assertThat(e.detail()).hasValueSatisfying(d -> assertThat(d).isEqualTo(Map.of("parameter", parameter)));
            }
        });
    }

    @Test
    void shouldEndAPageEarlyWithACursorWhenTheFiltersMatchLittleAndStillFindEverything() {
        RepositoryName many = RepositoryName.of("team/many");
        Digest config = blob(registry, many, "{}");
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":2},\"layers\":[]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        for (int batch = 0; batch < 25; batch++) {
            List<Tag> tags = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                tags.add(Tag.of(String.format("t%04d", batch * 100 + i)));
            }
            registry.pushManifest(ADMIN, many, tags.get(0), MediaTypes.OCI_MANIFEST, bytes, tags.subList(1, 100));
        }
        registry.pushManifest(ADMIN, many, Tag.of("z-last"), MediaTypes.OCI_MANIFEST, bytes, List.of());
        SearchQuery rare = SearchQuery.all().withTags("z-*").withLimit(10);
        SearchPage first = registry.search(ADMIN, rare);
        assertThat(first.results()).as("the budget ends the page before the match").isEmpty();
        assertThat(first.next()).isPresent();
        assertThat(walk(registry, ADMIN, rare)).extracting(r -> r.tag().value()).containsExactly("z-last");
    }

    /** The example of docs/search.md, as written there. */
    @Test
    void shouldRunTheDocumentedExample() {
        Caller caller = ADMIN;
        SearchQuery query = SearchQuery.all()
                .withRepositories("team/**")
                .withArtifactTypes(Set.of(MediaTypes.OCI_CONFIG))
                .withPushedAfter(Instant.parse("2026-01-01T00:00:00Z"))
                .withSort(SearchQuery.Sort.PUSHED, SearchQuery.Order.DESC)
                .withLimit(50);
        List<String> found = new ArrayList<>();
        SearchPage page = registry.search(caller, query);
        while (true) {
            for (SearchResult result : page.results()) {
                found.add(result.repository() + ":" + result.tag() + " " + result.digest() + " " + result.size());
            }
            if (page.next().isEmpty()) {
                break;
            }
            page = registry.search(caller, query.withCursor(page.next().get()));
        }
        assertThat(found).extracting(line -> line.substring(0, line.indexOf(' ')))
                .containsExactly("team/app:v2", "team/app:latest", "team/app:v1");
    }

    @Test
    void shouldSearchThroughAnEmptyRegistryAndAnswerUnsupportedWithoutAnIndex() {
        try (Registry empty = Registry.builder().build()) {
            SearchPage page = empty.search(ADMIN, SearchQuery.all());
            assertThat(page.results()).isEmpty();
            assertThat(page.next()).isEmpty();
        }
        Function<dev.wharf.spi.MetadataStore, dev.wharf.spi.MetadataStore> withoutIndex = store ->
                new dev.wharf.spi.ForwardingMetadataStore(store) {
                    @Override
                    public Optional<dev.wharf.spi.SearchIndex> searchIndex() {
                        return Optional.empty();
                    }
                };
        try (Registry plain = Registry.builder()
                .metadataStore(withoutIndex.apply(new dev.wharf.core.storage.InMemoryMetadataStore())).build()) {
            assertRefused(() -> plain.search(ADMIN, SearchQuery.all()), ErrorCode.UNSUPPORTED, null);
        }
    }
}
