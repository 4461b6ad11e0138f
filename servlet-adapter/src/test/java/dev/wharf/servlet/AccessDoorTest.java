package dev.wharf.servlet;

import dev.wharf.servlet.auth.Scope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scopes the door asks of each endpoint, as the token flow names them. */
class AccessDoorTest {

    @Test
    void shouldNameTheScopesEachEndpointNeeds() {
        QueryParams none = QueryParams.parse(null);
        Map<String, String> repo = Map.of("name", "team/app");
        assertThat(AccessDoor.scopes(Endpoint.BASE, Map.of(), none)).isEmpty();
        assertThat(AccessDoor.scopes(Endpoint.CATALOG, Map.of(), none)).containsExactly(Scope.CATALOG);
        assertThat(AccessDoor.scopes(Endpoint.REPOSITORY_DISCOVER, repo, none)).isEmpty();
        for (Endpoint read : List.of(Endpoint.BLOB_READ, Endpoint.MANIFEST_READ, Endpoint.TAGS_LIST, Endpoint.REFERRERS)) {
            assertThat(AccessDoor.scopes(read, repo, none)).as(read.name()).extracting(Scope::toString)
                    .containsExactly("repository:team/app:pull");
        }
        for (Endpoint write : List.of(Endpoint.UPLOAD_START, Endpoint.UPLOAD_CHUNK, Endpoint.UPLOAD_COMPLETE,
                Endpoint.UPLOAD_STATUS, Endpoint.UPLOAD_CANCEL, Endpoint.MANIFEST_PUT)) {
            assertThat(AccessDoor.scopes(write, repo, none)).as(write.name()).extracting(Scope::toString)
                    .containsExactly("repository:team/app:pull,push");
        }
        assertThat(AccessDoor.scopes(Endpoint.MANIFEST_DELETE, repo, none)).extracting(Scope::toString)
                .containsExactly("repository:team/app:delete");
        assertThat(AccessDoor.scopes(Endpoint.UPLOAD_START, repo, QueryParams.parse("mount=sha256:x&from=lib/base")))
                .extracting(Scope::toString)
                .containsExactly("repository:team/app:pull,push", "repository:lib/base:pull");
        assertThat(AccessDoor.scopes(Endpoint.UPLOAD_START, repo, QueryParams.parse("from=lib/base")))
                .extracting(Scope::toString).containsExactly("repository:team/app:pull,push");
        assertThat(Endpoint.values()).as("every endpoint has its scopes").allSatisfy(e ->
                assertThat(AccessDoor.scopes(e, repo, none)).isNotNull());
    }
}
