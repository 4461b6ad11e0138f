package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestRegistryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search finds what a real client pushed into a durable registry (RocksDB metadata), says what each tag is, and
 * still finds it after the registry restarts on the same data directory.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SearchClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void shouldFindWhatSkopeoPushedAndFindItAgainAfterARestart() throws Exception {
        Skopeo skopeo = Skopeo.orSkip(work);
        OciLayout source = OciLayout.create(work.resolve("source"));
        OciLayout.Blob image = source.image("amd64", 2, 7);
        source.tag(image, "app");
        Map<String, OciLayout.Blob> platforms = new LinkedHashMap<>();
        platforms.put("amd64", image);
        platforms.put("arm64", source.image("arm64", 1, 8));
        OciLayout.Blob index = source.index(platforms);
        source.tag(index, "multi");
        Path data = work.resolve("registry-data");
        TestRegistryOptions durable = TestRegistryOptions.defaults().withDataDirectory(data);

        try (TestRegistry registry = TestRegistry.start(durable)) {
            String target = "docker://" + registry.hostPort() + "/";
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source.root() + ":app",
                    target + "search/app:1.0").assertSuccess();
            skopeo.run("copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                    "oci:" + source.root() + ":multi", target + "search/multi:1.0").assertSuccess();
            assertFound(registry.baseUri(), image, index);
        }
        try (TestRegistry restarted = TestRegistry.start(durable)) {
            assertFound(restarted.baseUri(), image, index);
        }
    }

    private static void assertFound(URI base, OciLayout.Blob image, OciLayout.Blob index) throws Exception {
        List<JsonNode> results = toList(get(base, "/v2/_wharf/ext/search?q=search/").path("results"));
        assertThat(results).extracting(r -> r.path("repository").asText() + ":" + r.path("tag").asText())
                .containsExactly("search/app:1.0", "search/multi:1.0");
        JsonNode app = results.get(0);
        assertThat(app.path("digest").asText()).isEqualTo(image.digest());
        assertThat(app.path("mediaType").asText()).isEqualTo(image.mediaType());
        assertThat(app.path("artifactType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(app.path("size").asLong()).as("the manifest, its config and layers").isGreaterThan(image.size());
        JsonNode multi = results.get(1);
        assertThat(multi.path("digest").asText()).isEqualTo(index.digest());
        assertThat(multi.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");

        JsonNode newest = get(base, "/v2/search/multi/_wharf/ext/tags?sort=pushed").path("results");
        assertThat(newest.size()).isEqualTo(1);
        assertThat(newest.get(0).path("tag").asText()).isEqualTo("1.0");
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
