package dev.wharf.testing.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.Http;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v2/_wharf/ext/events}: the event log over HTTP, paged, filtered by what the caller may pull. */
class EventsEndpointTest {

    private static List<String> types(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("type").asText() + " " + e.path("repository").asText()));
        return out;
    }

    @Test
    void shouldPageThroughTheLogAndFollowItsLinks() {
        try (TestRegistry registry = TestRegistry.start()) {
            RegistryHttp http = new RegistryHttp(registry.baseUri());
            String digest = http.pushImage("team/app", "v1").digest();

            Response all = http.get("/v2/_wharf/ext/events");
            assertThat(all.status()).as(all::describe).isEqualTo(200);
            JsonNode events = all.json().path("events");
            assertThat(types(events)).containsExactly("dev.wharf.repository.created team/app",
                    "dev.wharf.blob.uploaded team/app", "dev.wharf.blob.uploaded team/app",
                    "dev.wharf.blob.uploaded team/app", "dev.wharf.manifest.pushed team/app",
                    "dev.wharf.tag.updated team/app");
            assertThat(events.path(4).path("digest").asText()).isEqualTo(digest);
            assertThat(events.path(5).path("tag").asText()).isEqualTo("v1");
            assertThat(events.path(0).path("id").asLong()).isEqualTo(1);
            assertThat(all.json().path("next").asLong()).isEqualTo(6);
            assertThat(all.json().path("hasMore").asBoolean()).isFalse();
            assertThat(all.header("Link")).isEmpty();

            Response first = http.get("/v2/_wharf/ext/events?n=2");
            assertThat(first.json().path("events").size()).isEqualTo(2);
            assertThat(first.header("Link")).hasValue("</v2/_wharf/ext/events?after=2&n=2>; rel=\"next\"");
            Response second = http.get("/v2/_wharf/ext/events?after=2&n=2");
            assertThat(second.json().path("events").path(0).path("id").asLong()).isEqualTo(3);

            for (String bad : List.of("after=-1", "after=x", "n=-2", "n=lots")) {
                Response refused = http.get("/v2/_wharf/ext/events?" + bad);
                assertThat(refused.status()).as(bad).isEqualTo(400);
                assertThat(refused.json().path("errors").path(0).path("code").asText())
                        .isEqualTo("PAGINATION_NUMBER_INVALID");
                assertThat(refused.json().path("errors").path(0).path("detail").path("parameter").asText())
                        .isEqualTo(bad.substring(0, bad.indexOf('=')));
            }
            Response discover = http.get("/v2/_oci/ext/discover");
            assertThat(discover.text()).contains("_wharf/ext/events");
        }
    }

    @Test
    void shouldShowEachCallerOnlyWhatItMayPull() {
        try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "pw").anonymousPull("public/**")
                .start()) {
            RegistryHttp alice = new RegistryHttp(registry.baseUri()).withHeaders("Authorization",
                    Http.basic("alice", "pw"));
            alice.pushImage("public/app", "v1");
            alice.pushImage("private/app", "v1");

            JsonNode seenByAlice = alice.get("/v2/_wharf/ext/events").json().path("events");
            assertThat(types(seenByAlice)).anyMatch(t -> t.endsWith("private/app"));
            Response anonymous = new RegistryHttp(registry.baseUri()).get("/v2/_wharf/ext/events");
            assertThat(anonymous.status()).as(anonymous::describe).isEqualTo(200);
            assertThat(types(anonymous.json().path("events"))).isNotEmpty().allMatch(t -> t.endsWith(" public/app"));
            assertThat(anonymous.json().path("next").asLong()).isEqualTo(12);
        }
    }
}
