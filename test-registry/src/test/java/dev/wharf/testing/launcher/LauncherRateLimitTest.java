package dev.wharf.testing.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --rate-limit} and the configuration file's {@code rateLimits} section, in the launcher as a user runs it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LauncherRateLimitTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workingDirectory;

    @Test
    void shouldAnswer429WithRetryAfterOnceAClientSpendsTheRateLimit() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--in-memory", "--port",
                "0", "--rate-limit", "2/m")) {
            URI base = launcher.awaitReady(START);
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).isEqualTo(200);
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).isEqualTo(200);

            HttpResponse<byte[]> refused = Http.get(base.resolve("/v2/"));
            assertTooMany(refused, "reads", 29, 30); // a token every 30 s
            HttpResponse<byte[]> write = Http.send(HttpRequest.newBuilder(base.resolve("/v2/team/app/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(write.statusCode()).as("writes are a budget of their own").isEqualTo(202);
        }
    }

    @Test
    void shouldHoldUploadBytesToTheConfigurationFilesBudget() throws Exception {
        Files.writeString(workingDirectory.resolve("wharf.yaml"), """
                rateLimits:
                  uploadBytes: {rate: 1KiB/m, burst: 1KiB}
                """);
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--in-memory", "--port",
                "0", "--config", "wharf.yaml", "--rate-limit", "100/s")) {
            URI base = launcher.awaitReady(START);
            assertThat(Http.pushBlob(base, "team/app", new byte[600]).statusCode()).isEqualTo(201);

            byte[] other = new byte[600];
            other[0] = 1;
            // 424 bytes left of 1024; 176 more come back in 176 * 60 / 1024 = 10.3 s
            assertTooMany(Http.pushBlob(base, "team/app", other), "uploadBytes", 10, 11);
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).as("reads are not upload bytes").isEqualTo(200);
        }
    }

    @Test
    void shouldExitTwoNamingTheFileAndTheEntryWhenTheSectionIsWrong() throws Exception {
        Path config = Files.writeString(workingDirectory.resolve("wharf.yaml"), "rateLimits: {reads: 100/day}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = Launcher.run(new String[] {"--in-memory", "--port", "0", "--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("wharf-registry: " + config.toAbsolutePath()
                + ": rateLimits.reads is not a rate: a rate is written AMOUNT/UNIT with UNIT s, m or h (100/s, 6000/m,"
                + " 50MiB/s), was '100/day'\n");
        assertThat(out.size()).isZero();
    }

    private static void assertTooMany(HttpResponse<byte[]> response, String budget, long atLeast, long atMost)
            throws Exception {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(body).isEqualTo(429);
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(atLeast, atMost);
        JsonNode error = JSON.readTree(body).path("errors").path(0);
        assertThat(error.path("code").asText()).isEqualTo("TOOMANYREQUESTS");
        assertThat(error.path("detail").path("budget").asText()).isEqualTo(budget);
        assertThat(error.path("detail").path("retryAfter").asLong()).isEqualTo(retryAfter);
    }
}
