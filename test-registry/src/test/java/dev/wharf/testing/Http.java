package dev.wharf.testing;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The bits of plain HTTP the tests share: one HTTP/1.1 client (and its like for TLS), monolithic blob pushes, sha256. Public for the
 * launcher's tests in {@code dev.wharf.testing.launcher}.
 */
public final class Http {
    public static final HttpClient CLIENT = builder().build();

    private Http() {
    }

    /** A client like {@link #CLIENT} that trusts what {@code context} trusts, for a registry serving TLS. */
    public static HttpClient client(SSLContext context) {
        return builder().sslContext(context).build();
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    }

    public static HttpResponse<byte[]> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    public static HttpResponse<byte[]> head(URI uri) {
        return send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }

    public static HttpResponse<byte[]> delete(URI uri) {
        return send(HttpRequest.newBuilder(uri).DELETE().build());
    }

    /** {@code POST /v2/<repository>/blobs/uploads/?digest=...} with the whole blob as the body. */
    public static HttpResponse<byte[]> pushBlob(URI base, String repository, byte[] blob) {
        URI uri = base.resolve("/v2/" + repository + "/blobs/uploads/?digest=" + sha256Digest(blob));
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build());
    }

    public static HttpResponse<byte[]> send(HttpRequest request) {
        return send(CLIENT, request);
    }

    public static HttpResponse<byte[]> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** An {@code Authorization} value with Basic credentials (RFC 7617, UTF-8). */
    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String sha256Digest(byte[] bytes) {
        MessageDigest sha256 = sha256();
        return "sha256:" + HexFormat.of().formatHex(sha256.digest(bytes));
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
