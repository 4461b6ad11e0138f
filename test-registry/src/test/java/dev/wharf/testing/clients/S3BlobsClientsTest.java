package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.s3.S3BlobStore;
import dev.wharf.s3.S3Location;
import dev.wharf.s3.S3ProxyServer;
import dev.wharf.testing.WharfRegistryExtension;
import dev.wharf.testing.clients.OciLayout.Blob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry whose blobs live in S3 (a real S3 server, s3proxy) with redirects on: skopeo pushes an image and
 * pulls it back through the 307s to presigned URLs; a plain client sees the redirect for a whole blob and
 * Wharf's own answers for {@code HEAD} and ranges; a chunked upload of parts larger than S3's minimum is
 * announced that minimum and publishes whole.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class S3BlobsClientsTest {
    private static final String BUCKET = "wharf-clients";
    private static final S3ProxyServer S3 = startS3();

    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder()
            .engine(engine -> engine.blobStore(S3BlobStore.open(new S3Location(BUCKET, "run-" + System.nanoTime()),
                    S3.options().redirects(Duration.ofMinutes(5)))))
            .build();

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path work;

    private Skopeo skopeo;
    private OciLayout source;
    private Blob image;

    private static S3ProxyServer startS3() {
        try {
            S3ProxyServer s3 = S3ProxyServer.shared();
            s3.createBucket(BUCKET);
            return s3;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void arrange() {
        source = OciLayout.create(work.resolve("source"));
        image = source.image("amd64", 3, 7);
        source.tag(image, "app");
    }

    @Test
    void shouldPushAndPullAnImageWithSkopeoThroughRedirects() {
        skopeo = Skopeo.orSkip(work);
        String repo = "s3/skopeo";
        skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + source.root() + ":app", "docker://" + registry.hostPort() + "/" + repo + ":1.0").assertSuccess();

        Path out = work.resolve("out");
        skopeo.run("copy", "--src-tls-verify=false", "docker://" + registry.hostPort() + "/" + repo + ":1.0",
                "oci:" + out + ":app").assertSuccess();
        OciLayout copied = OciLayout.open(out);
        assertThat(copied.tagged("app")).contains(image);
        JsonNode manifest = source.json(image.digest());
        List<String> blobs = new ArrayList<>();
        blobs.add(manifest.path("config").path("digest").asText());
        manifest.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
        for (String digest : blobs) {
            assertThat(copied.blob(digest)).as(digest).isEqualTo(source.blob(digest));
        }
    }

    @Test
    void shouldRedirectWholeBlobReadsAndServeHeadAndRangesItself() throws Exception {
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        String digest = OciLayout.sha256(data);
        String repo = "s3/plain";
        HttpResponse<String> pushed = HTTP.send(HttpRequest.newBuilder(registry.baseUri()
                        .resolve("/v2/" + repo + "/blobs/uploads/?digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        URI blob = registry.baseUri().resolve("/v2/" + repo + "/blobs/" + digest);

        HttpResponse<byte[]> get = HTTP.send(HttpRequest.newBuilder(blob).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(307);
        assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(digest);
        URI location = URI.create(get.headers().firstValue("Location").orElseThrow());
        assertThat(location.getPort()).as("the S3 server's own address").isEqualTo(S3.endpoint().getPort());
        HttpResponse<byte[]> fetched = HTTP.send(HttpRequest.newBuilder(location).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(data);

        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(blob).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(data.length);

        HttpResponse<byte[]> range = HTTP.send(HttpRequest.newBuilder(blob).header("Range", "bytes=100-199").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 100, 200));
    }

    @Test
    void shouldAnnounceS3sMinimumAndPublishAChunkedUploadOfSeveralParts() throws Exception {
        int mib = 1024 * 1024;
        byte[] data = new byte[13 * mib + 5];
        new Random(4).nextBytes(data);
        String digest = OciLayout.sha256(data);
        String repo = "s3/chunked";
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(registry.baseUri()
                .resolve("/v2/" + repo + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(started.headers().firstValue("OCI-Chunk-Min-Length")).contains(Long.toString(5L * mib));
        URI location = registry.baseUri().resolve(started.headers().firstValue("Location").orElseThrow());
        int[] cuts = {0, 6 * mib, 12 * mib, data.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            byte[] chunk = Arrays.copyOfRange(data, cuts[i], cuts[i + 1]);
            boolean last = i + 2 == cuts.length;
            URI target = last ? URI.create(location + (location.getQuery() == null ? "?" : "&") + "digest=" + digest)
                    : location;
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", cuts[i] + "-" + (cuts[i + 1] - 1));
            HttpResponse<String> answer = HTTP.send(last
                            ? request.PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)).build()
                            : request.method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(last ? 201 : 202);
            if (!last) {
                location = registry.baseUri().resolve(answer.headers().firstValue("Location").orElseThrow());
            }
        }
        HttpResponse<byte[]> range = HTTP.send(HttpRequest.newBuilder(registry.baseUri()
                        .resolve("/v2/" + repo + "/blobs/" + digest)).header("Range", "bytes=0-" + (data.length - 1)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(data);
    }
}
