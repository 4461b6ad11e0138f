package dev.wharf.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry in Actuator: its {@code wharf} health component (UP, with its data directory and free space), the
 * metrics of its requests and events after one push and one pull, the gauge of upload sessions in progress, and
 * the count of garbage collection runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorTest {
    private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString(
            "alice:secret".getBytes(StandardCharsets.UTF_8));
    private final HttpClient client = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", ALICE).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void shouldReportTheRegistrysHealthAndMetrics() throws Exception {
        byte[] blob = "counted".getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(blob));
        HttpResponse<String> pushed = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v2/metrics/app/blobs/uploads/?digest=" + digest)).header("Authorization", ALICE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/metrics/app/blobs/"
                + digest)).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("counted");

        JsonNode health = getJson("/actuator/health");
        JsonNode wharf = health.path("components").path("wharf");
        assertThat(wharf.path("status").asText()).as(health.toString()).isEqualTo("UP");
        assertThat(wharf.path("details").path("storage").asText()).isEqualTo("directory");
        assertThat(wharf.path("details").path("free").asLong()).isPositive();

        JsonNode requests = getJson("/actuator/metrics/wharf.requests?tag=endpoint:blobs&tag=method:GET");
        assertThat(requests.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
        JsonNode uploads = getJson("/actuator/metrics/wharf.events?tag=type:dev.wharf.blob.uploaded");
        assertThat(uploads.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
        JsonNode sent = getJson("/actuator/metrics/wharf.bytes.sent");
        assertThat(sent.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(blob.length);
    }

    @Autowired
    dev.wharf.api.Registry registry;

    private double gcRuns() throws Exception {
        return getJson("/actuator/metrics/wharf.gc.runs?tag=outcome:completed").path("measurements").get(0)
                .path("value").asDouble();
    }

    @Test
    void shouldCountGarbageCollectionRuns() throws Exception {
        double before = gcRuns();
        registry.collectGarbage();
        assertThat(gcRuns()).isEqualTo(before + 1);
        assertThat(getJson("/actuator/metrics/wharf.gc.runs?tag=outcome:failed").path("measurements").get(0)
                .path("value").asDouble()).isZero();
    }

    private double openUploads() throws Exception {
        return getJson("/actuator/metrics/wharf.uploads.open").path("measurements").get(0).path("value").asDouble();
    }

    @Test
    void shouldCountUploadSessionsInProgress() throws Exception {
        double before = openUploads();
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v2/metrics/chunked/blobs/uploads/")).header("Authorization", ALICE)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(openUploads()).isEqualTo(before + 1);

        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> cancelled = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port)
                .resolve(location)).header("Authorization", ALICE).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(204);
        assertThat(openUploads()).isEqualTo(before);
    }
}
