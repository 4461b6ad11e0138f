package dev.wharf.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchQueryTest {

    @Test
    void defaultsAreEveryTagByNameAHundredAtATime() {
        SearchQuery q = SearchQuery.all();
        assertThat(q.repository()).isEmpty();
        assertThat(q.repositories()).isEmpty();
        assertThat(q.sort()).isEqualTo(SearchQuery.Sort.NAME);
        assertThat(q.order()).isEqualTo(SearchQuery.Order.ASC);
        assertThat(q.limit()).isEqualTo(SearchQuery.DEFAULT_LIMIT).isEqualTo(100);
        assertThat(q.cursor()).isEmpty();
    }

    @Test
    void timesSortNewestFirstUnlessAnOrderIsGiven() {
        assertThat(SearchQuery.all().withSort(SearchQuery.Sort.PUSHED).order()).isEqualTo(SearchQuery.Order.DESC);
        assertThat(SearchQuery.all().withSort(SearchQuery.Sort.UPDATED).order()).isEqualTo(SearchQuery.Order.DESC);
        assertThat(SearchQuery.all().withSort(SearchQuery.Sort.PUSHED, SearchQuery.Order.ASC).order())
                .isEqualTo(SearchQuery.Order.ASC);
        assertThat(SearchQuery.all().withSort(SearchQuery.Sort.NAME, SearchQuery.Order.DESC).order())
                .isEqualTo(SearchQuery.Order.DESC);
    }

    @Test
    void aRepositoryFilterWithAWildcardIsAGlobAndWithoutOneAPrefix() {
        SearchQuery glob = SearchQuery.all().withRepositories("team/*");
        assertThat(glob.repositoryGlob()).isPresent();
        assertThat(glob.repositoryPrefix()).isEmpty();
        assertThat(glob.repositoryGlob().orElseThrow().matches(RepositoryName.of("team/app"))).isTrue();
        assertThat(glob.repositoryGlob().orElseThrow().matches(RepositoryName.of("other/app"))).isFalse();

        SearchQuery prefix = SearchQuery.all().withRepositories("team/ap");
        assertThat(prefix.repositoryGlob()).isEmpty();
        assertThat(prefix.repositoryPrefix()).contains("team/ap");
    }

    @Test
    void theRepositoryViewNamesItsRepository() {
        SearchQuery q = SearchQuery.in(RepositoryName.of("library/app")).withTags("v1.*");
        assertThat(q.repository()).contains(RepositoryName.of("library/app"));
        assertThat(q.tags()).contains("v1.*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Team/app", "team app", "team/app;drop", "team/***"})
    void aBadRepositoryFilterNamesParameterQ(String q) {
        assertThatThrownBy(() -> SearchQuery.all().withRepositories(q))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUERY_INVALID);
                    assertThat(e.code().httpStatus()).isEqualTo(400);
                    assertThat(e.detail()).contains(Map.of("parameter", "q"));
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v1/2", "v1 2", "v1:latest"})
    void aBadTagGlobNamesParameterTag(String tag) {
        assertThatThrownBy(() -> SearchQuery.all().withTags(tag))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUERY_INVALID);
                    assertThat(e.detail()).contains(Map.of("parameter", "tag"));
                });
    }

    @Test
    void badTypesAndAnnotationsNameTheirParameters() {
        assertThatThrownBy(() -> SearchQuery.all().withArtifactTypes(Set.of("")))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.detail()).contains(Map.of("parameter", "artifactType")));
        assertThatThrownBy(() -> SearchQuery.all().withMediaTypes(Set.of("x".repeat(256))))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.detail()).contains(Map.of("parameter", "mediaType")));
        assertThatThrownBy(() -> SearchQuery.all().withAnnotations(Map.of("", "v")))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.detail()).contains(Map.of("parameter", "annotation")));
    }

    @Test
    void theFingerprintIgnoresPageSizeCursorAndTheOrderOfSetsButNothingElse() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        SearchQuery a = SearchQuery.all().withRepositories("team/").withArtifactTypes(Set.of("x/a", "x/b"))
                .withAnnotations(Map.of("k1", "v1", "k2", "v2")).withPushedAfter(t);
        SearchQuery b = SearchQuery.all().withRepositories("team/").withArtifactTypes(Set.of("x/b", "x/a"))
                .withAnnotations(Map.of("k2", "v2", "k1", "v1")).withPushedAfter(t).withLimit(7).withCursor("c");
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());

        assertThat(a.withPushedAfter(t.plusMillis(1)).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(a.withUpdatedBefore(t).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(a.withSort(SearchQuery.Sort.NAME, SearchQuery.Order.DESC).fingerprint())
                .isNotEqualTo(a.fingerprint());
        assertThat(a.withTags("v*").fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(a.withMediaTypes(Set.of("x/m")).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(a.withRepositories("team/*").fingerprint()).isNotEqualTo(a.fingerprint());
        // the default direction and the same direction given explicitly are one query
        assertThat(a.withSort(SearchQuery.Sort.PUSHED).fingerprint())
                .isEqualTo(a.withSort(SearchQuery.Sort.PUSHED, SearchQuery.Order.DESC).fingerprint());
    }

    @Test
    void queriesAreImmutable() {
        SearchQuery base = SearchQuery.all();
        base.withRepositories("team/").withTags("v*").withLimit(5).withCursor("c");
        assertThat(base.repositories()).isEmpty();
        assertThat(base.tags()).isEmpty();
        assertThat(base.limit()).isEqualTo(100);
        assertThat(base.cursor()).isEmpty();
    }

    @Test
    void wireNamesAreLowerCase() {
        assertThat(SearchQuery.Sort.UPDATED.wireName()).isEqualTo("updated");
        assertThat(SearchQuery.Order.DESC.wireName()).isEqualTo("desc");
    }
}
