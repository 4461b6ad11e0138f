package dev.wharf.testing.launcher;

import dev.wharf.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A blob far larger than the registry's heap goes in and comes out intact: the launcher runs in a child JVM
 * with {@code -Xmx256m} and filesystem blobs, and receives 2 GiB in one monolithic upload (POST, then PUT
 * with the whole body), which it must stream to disk and back.
 *
 * <p>{@code -Dwharf.largeBlobBytes=N} shrinks the blob for a quick local run; CI keeps the default, which
 * is also one byte past {@code Integer.MAX_VALUE}, where an int-sized length would break.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LargeBlobStreamingTest {
    private static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;
    private static final int BUFFER = 1 << 20;
    private static final String REPOSITORY = "large/blob";

    @TempDir
    Path work;

    @Test
    void shouldStreamBlobLargerThanHeapWhenPushedAndPulledMonolithically() throws Exception {
        long size = Long.getLong("wharf.largeBlobBytes", DEFAULT_BYTES);
        String digest = "sha256:" + sha256Hex(new GeneratedContent(size));

        try (LauncherProcess launcher = LauncherProcess.start(work,
                List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                "--data-dir", work.resolve("data").toString(), "--port", "0")) {
            URI base = launcher.awaitReady(Duration.ofSeconds(30));

            HttpResponse<byte[]> start = Http.send(HttpRequest.newBuilder(
                    base.resolve("/v2/" + REPOSITORY + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(start.statusCode()).as(launcher.describe()).isEqualTo(202);
            String location = start.headers().firstValue("Location").orElseThrow();

            URI put = base.resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
            HttpResponse<byte[]> pushed = Http.send(HttpRequest.newBuilder(put)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContent(size)), size))
                    .build());
            assertThat(pushed.statusCode()).as("PUT %s: %s%s", put, Http.body(pushed), launcher.describe())
                    .isEqualTo(201);
            assertThat(pushed.headers().firstValue("Docker-Content-Digest")).hasValue(digest);

            HttpResponse<InputStream> pulled = Http.CLIENT.send(
                    HttpRequest.newBuilder(base.resolve("/v2/" + REPOSITORY + "/blobs/" + digest)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(pulled.statusCode()).isEqualTo(200);
            assertThat(pulled.headers().firstValueAsLong("Content-Length")).hasValue(size);
            CountingHash received = hash(pulled.body());
            assertThat(received.bytes()).isEqualTo(size);
            assertThat("sha256:" + received.hex()).isEqualTo(digest);

            assertThat(launcher.process().isAlive()).as(launcher.describe()).isTrue();
            assertThat(launcher.stderr()).doesNotContain("OutOfMemoryError");
        }
    }

    private static String sha256Hex(InputStream in) throws IOException {
        return hash(in).hex();
    }

    private static CountingHash hash(InputStream in) throws IOException {
        MessageDigest sha256 = Http.sha256();
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
                total += n;
            }
        }
        return new CountingHash(total, HexFormat.of().formatHex(sha256.digest()));
    }

    private record CountingHash(long bytes, String hex) {
    }
}
