package dev.wharf.example;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example as its {@code application.properties} configures it (anonymous pull of everything, push for alice),
 * with the data directory the test support gives each context: a 200 MiB blob pushed with a form-typed {@code PUT}
 * (what {@code curl --data-binary} sends) is stored under the test JVM's 256 MiB heap, and pulled anonymously, and
 * {@code Basic Og==} pulls as anonymous.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AnonymousPullTest {
    private static final long SIZE = 200L << 20;
    private final HttpClient client = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Value("${wharf.data-dir}")
    Path dataDir;

    /** {@code SIZE} pseudo-random bytes, generated while sent: nothing holds them whole. */
    static InputStream content() {
        SplittableRandom random = new SplittableRandom(7);
        return new InputStream() {
            long left = SIZE;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) random.nextInt();
                }
                left -= n;
                return n;
            }
        };
    }

    static String digest() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = content()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void shouldStoreAFormTyped200MiBPutUnderASmallHeapAndServeItAnonymously() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("the test JVM runs with -Xmx256m").isLessThanOrEqualTo(300L << 20);
        assertThat(dataDir.toString()).as("a data directory of this context's own").contains("wharf-test-");
        String alice = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        String base = "http://127.0.0.1:" + port;
        HttpResponse<Void> start = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/big/blob/blobs/uploads/"))
                .header("Authorization", alice).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(start.statusCode()).isEqualTo(202);
        String digest = digest();
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(base
                        + start.headers().firstValue("Location").orElseThrow() + "?digest=" + digest))
                .header("Authorization", alice).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        AnonymousPullTest::content), SIZE)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        HttpResponse<InputStream> pulled = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/big/blob/blobs/"
                + digest)).header("Authorization", "Basic Og==").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertPulledWhole(pulled, digest);
    }

    /** Asserts that {@code pulled} is a 200 carrying the whole blob: {@code SIZE} bytes of {@code digest}. */
    static void assertPulledWhole(HttpResponse<InputStream> pulled, String digest) throws Exception {
        assertThat(pulled.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = pulled.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int r; (r = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, r);
                n += r;
            }
        } catch (IOException e) {
            throw new AssertionError("the pull broke off after " + n + " bytes", e);
        }
        assertThat(n).isEqualTo(SIZE);
        assertThat("sha256:" + HexFormat.of().formatHex(sha.digest())).isEqualTo(digest);
    }
}
