package dev.wharf.servlet.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small HTTP/1.1 client for one registry: the six methods the spec uses, paths relative to the
 * registry's base URI (or absolute, as a {@code Location} may be), no redirects followed, and a few
 * helpers that arrange state (push a blob, a manifest, an image) and fail loudly if the arranging fails.
 *
 * <p>{@code java.net.http} computes {@code Content-Length} itself; requests whose framing must lie go
 * through {@link RawHttp}.
 */
public final class RegistryHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final Set<ContainerQuirk> quirks;
    private final HttpClient client;
    private final List<String> defaultHeaders;

    /** A client for the registry at {@code base}, served by a container without quirks. */
    public RegistryHttp(URI base) {
        this(base, Set.of());
    }

    /** A client for the registry at {@code base}, served by a container with these {@code quirks}. */
    public RegistryHttp(URI base, Set<ContainerQuirk> quirks) {
        this(base, Set.copyOf(quirks), HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build(), List.of());
    }

    private RegistryHttp(URI base, Set<ContainerQuirk> quirks, HttpClient client, List<String> defaultHeaders) {
        this.base = base;
        this.quirks = quirks;
        this.client = client;
        this.defaultHeaders = defaultHeaders;
    }

    /**
     * This client, sending {@code headers} (alternating names and values) with every request as well, for
     * example the header a test's filter names its caller by; the helpers that arrange state send them too.
     */
    public RegistryHttp withHeaders(String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs");
        }
        List<String> all = new ArrayList<>(defaultHeaders);
        all.addAll(List.of(headers));
        return new RegistryHttp(base, quirks, client, List.copyOf(all));
    }

    public URI base() {
        return base;
    }

    /** True if the container serving the registry has {@code quirk}. */
    public boolean containerHas(ContainerQuirk quirk) {
        return quirks.contains(quirk);
    }

    /** A path such as {@code /v2/x/tags/list}, or an absolute URI, against the registry. */
    public URI resolve(String pathOrUri) {
        return base.resolve(pathOrUri);
    }

    // ---- transport ----

    public Response get(String path, String... headers) {
        return send("GET", path, BodyPublishers.noBody(), headers);
    }

    public Response head(String path, String... headers) {
        return send("HEAD", path, BodyPublishers.noBody(), headers);
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, BodyPublishers.noBody(), headers);
    }

    public Response post(String path, byte[] body, String... headers) {
        return send("POST", path, BodyPublishers.ofByteArray(body), headers);
    }

    public Response patch(String path, byte[] body, String... headers) {
        return send("PATCH", path, BodyPublishers.ofByteArray(body), headers);
    }

    public Response put(String path, byte[] body, String... headers) {
        return send("PUT", path, BodyPublishers.ofByteArray(body), headers);
    }

    /**
     * Sends one request.
     *
     * @param headers alternating names and values
     */
    public Response send(String method, String path, BodyPublisher body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs");
        }
        URI uri = resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, body);
        for (int i = 0; i < defaultHeaders.size(); i += 2) {
            request.header(defaultHeaders.get(i), defaultHeaders.get(i + 1));
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            var response = client.send(request.build(), BodyHandlers.ofByteArray());
            byte[] bytes = response.body() == null ? new byte[0] : response.body();
            return new Response(method, uri, response.statusCode(), response.headers().map(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Appends a query parameter to a URL that may already carry a query (opaque upload locations do). */
    public static String withQuery(String url, String parameter) {
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }

    // ---- arranging state ----

    /** POST a new upload session; asserts 202 and returns the session's Location. */
    public String startUpload(String repo) {
        Response r = post("/v2/" + repo + "/blobs/uploads/", new byte[0]);
        assertThat(r.status()).as(r::describe).isEqualTo(202);
        return r.header("Location").orElseThrow(() -> new AssertionError("no Location: " + r.describe()));
    }

    /** Uploads {@code bytes} with POST then PUT (end-4a, end-6); returns the sha256 digest. */
    public String pushBlob(String repo, byte[] bytes) {
        String digest = Content.sha256(bytes);
        Response r = put(withQuery(startUpload(repo), "digest=" + digest), bytes,
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertThat(r.status()).as(r::describe).isEqualTo(201);
        return digest;
    }

    /** Uploads {@code bytes} and returns their descriptor with the given media type. */
    public Descriptor pushBlob(String repo, String mediaType, byte[] bytes) {
        pushBlob(repo, bytes);
        return Descriptor.of(mediaType, bytes);
    }

    /** PUT a manifest with its media type as Content-Type (end-7a). */
    public Response putManifest(String repo, String reference, String mediaType, byte[] bytes) {
        return put("/v2/" + repo + "/manifests/" + reference, bytes, "Content-Type", mediaType);
    }

    /** PUT a manifest, asserting 201; returns its sha256 digest. */
    public String pushManifest(String repo, String reference, String mediaType, byte[] bytes) {
        Response r = putManifest(repo, reference, mediaType, bytes);
        assertThat(r.status()).as(r::describe).isEqualTo(201);
        return Content.sha256(bytes);
    }

    /** Pushes a small OCI image (unique config, two random layers) and tags it. */
    public PushedImage pushImage(String repo, String tag) {
        byte[] config = Content.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]},\"config\":{\"Labels\":{\"wharf.test\":\"" + Content.randomId() + "\"}}}");
        List<byte[]> layerBytes = List.of(Content.randomBytes(2048), Content.randomBytes(3000));
        Descriptor configDescriptor = pushBlob(repo, MediaTypes.OCI_CONFIG, config);
        List<Descriptor> layers = new ArrayList<>();
        ManifestJson manifest = ManifestJson.ociManifest().config(configDescriptor);
        for (byte[] layer : layerBytes) {
            Descriptor d = pushBlob(repo, MediaTypes.OCI_LAYER, layer);
            layers.add(d);
            manifest.layer(d);
        }
        byte[] bytes = manifest.bytes();
        String digest = pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, bytes);
        return new PushedImage(repo, tag, bytes, digest, configDescriptor, config, layers, layerBytes);
    }
}
