package dev.wharf.testing.clients;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What Wharf holds, read over HTTP (or HTTPS, trusting what the test gives) with no client in between: the referee
 * for every client test.
 */
final class RegistryReads {
    /** Every manifest type the tests push, so the registry never has to choose. */
    private static final String ACCEPT = String.join(", ", OciLayout.MANIFEST, OciLayout.INDEX,
            OciLayout.DOCKER_MANIFEST, OciLayout.DOCKER_LIST);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;
    private final HttpClient client;

    RegistryReads(URI base) {
        this(base, CLIENT);
    }

    /** Reads over HTTPS from a registry that {@code trust} trusts. */
    RegistryReads(URI base, SSLContext trust) {
        this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .sslContext(trust).build());
    }

    private RegistryReads(URI base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    /** A GET's answer: status, the two headers the tests check, and the body. */
    record Read(int status, Optional<String> contentType, Optional<String> dockerContentDigest, byte[] body) {
        Read assertOk(String what) {
            if (status != 200) {
                throw new AssertionError("GET " + what + " -> " + status + ": " + new String(body));
            }
            return this;
        }
    }

    /** {@code GET /v2/<repository>/manifests/<reference>} accepting every manifest type. */
    Read manifest(String repository, String reference) {
        return get("/v2/" + repository + "/manifests/" + reference, ACCEPT);
    }

    /** {@code GET /v2/<repository>/blobs/<digest>}. */
    Read blob(String repository, String digest) {
        return get("/v2/" + repository + "/blobs/" + digest, "*/*");
    }

    /** {@code GET} any path under the registry, e.g. the referrers API. */
    Read get(String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", accept).GET()
                .timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Read(response.statusCode(), response.headers().firstValue("Content-Type"),
                    response.headers().firstValue("Docker-Content-Digest"), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
