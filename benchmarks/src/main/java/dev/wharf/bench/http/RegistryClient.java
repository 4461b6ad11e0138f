package dev.wharf.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The OCI Distribution calls the workloads make, over one {@link HttpConnection}, each checking its answer
 * (status, {@code Docker-Content-Digest}, {@code Range}, lengths) and throwing {@link BenchmarkFailure} when
 * it is not what the specification says. Works the same against any registry: it follows {@code Location}
 * headers (relative or absolute) and {@code Link} headers as given, and never builds an upload URL itself.
 */
public final class RegistryClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpConnection http;
    private final Optional<String> authorization;

    public RegistryClient(Target target, int readTimeoutMillis) {
        this(target, readTimeoutMillis, Optional.empty());
    }

    /** A client that sends {@code Authorization: <authorization>} with every request, when given. */
    public RegistryClient(Target target, int readTimeoutMillis, Optional<String> authorization) {
        this.http = new HttpConnection(target.host(), target.port(), readTimeoutMillis);
        this.authorization = authorization;
    }

    /** {@code Basic <base64(user:password)>}, the value of a Basic {@code Authorization} header (RFC 7617). */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request; I/O failures become {@link BenchmarkFailure}s naming the request. */
    public Response send(Request request) {
        Request sent = authorization.map(a -> request.header("Authorization", a)).orElse(request);
        try {
            return http.send(sent);
        } catch (IOException e) {
            throw new BenchmarkFailure(request.method() + " " + request.target() + " failed: " + e, e);
        }
    }

    /** Sends and requires {@code status}. */
    public Response expect(Request request, int status) {
        Response r = send(request);
        if (r.status() != status) {
            throw new BenchmarkFailure(request.method() + " " + request.target() + ": expected " + status + ", got "
                    + r.describe());
        }
        return r;
    }

    /** POST an upload session; returns its Location (origin-form). */
    public String startUpload(String repo) {
        Response r = expect(Request.of("POST", "/v2/" + repo + "/blobs/uploads/"), 202);
        return location(r);
    }

    /** Monolithic push: POST, then PUT the whole body with {@code ?digest=}. */
    public void pushMonolithic(String repo, PatternBlob blob) {
        pushMonolithic(repo, blob.digest(), blob.body());
    }

    /** Monolithic push of any body whose digest is known. */
    public void pushMonolithic(String repo, String digest, BodySource body) {
        String location = startUpload(repo);
        Response r = expect(Request.of("PUT", withQuery(location, "digest=" + digest))
                .header("Content-Type", "application/octet-stream").body(body), 201);
        requireDigest(r, digest);
    }

    /** Chunked push: POST, PATCH each chunk with {@code Content-Range}, PUT {@code ?digest=} with no body. */
    public void pushChunked(String repo, PatternBlob blob, long chunkSize) {
        String location = startUpload(repo);
        for (long from = 0; from < blob.size(); from += chunkSize) {
            long to = Math.min(blob.size(), from + chunkSize);
            Response r = expect(Request.of("PATCH", location).header("Content-Type", "application/octet-stream")
                    .header("Content-Range", from + "-" + (to - 1)).body(blob.range(from, to)), 202);
            String range = r.header("Range").orElseThrow(() -> new BenchmarkFailure("PATCH answered without Range"));
            if (!range.equals("0-" + (to - 1))) {
                throw new BenchmarkFailure("after bytes 0-" + (to - 1) + " the session reports Range " + range);
            }
            location = location(r);
        }
        Response r = expect(Request.of("PUT", withQuery(location, "digest=" + blob.digest())).body(BodySource.empty()), 201);
        requireDigest(r, blob.digest());
    }

    /**
     * A token from the registry's token service at {@code path} ({@code GET path?service=S&scope=SCOPE}, with this
     * client's credentials), for {@code scope}, e.g. {@code repository:team/app:pull}; requires 200.
     */
    public BearerToken token(String path, String service, String scope) {
        Response r = expect(Request.of("GET", path + "?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)), 200);
        return BearerToken.parse(r.body());
    }

    /** GET a blob, checking every byte against {@code blob}. */
    public void pull(String repo, PatternBlob blob) {
        PatternBlob.Verifier verifier = blob.verifier();
        Response r = expect(Request.of("GET", "/v2/" + repo + "/blobs/" + blob.digest()).sink(verifier), 200);
        verifier.finish();
        r.header("Docker-Content-Digest").filter(d -> !d.equals(blob.digest())).ifPresent(d -> {
            throw new BenchmarkFailure("pulled blob answered with digest " + d);
        });
    }

    /** HEAD a blob; requires 200 and its size. */
    public void head(String repo, String digest, long size) {
        Response r = expect(Request.of("HEAD", "/v2/" + repo + "/blobs/" + digest), 200);
        String length = r.header("Content-Length").orElse("");
        if (!length.equals(Long.toString(size))) {
            throw new BenchmarkFailure("HEAD " + digest + " says Content-Length " + length + ", not " + size);
        }
    }

    /** Links a blob from {@code from} into {@code repo}; requires 201. */
    public void mount(String repo, String from, String digest) {
        Response r = expect(Request.of("POST", "/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from)
                .body(BodySource.empty()), 201);
        requireDigest(r, digest);
    }

    /** PUT a manifest by tag or digest; returns its digest, checked against the bytes. */
    public String putManifest(String repo, String reference, String mediaType, byte[] bytes) {
        String digest = sha256(bytes);
        putManifest(repo, reference, mediaType, bytes, digest);
        return digest;
    }

    /**
     * PUT a manifest by tag or digest whose {@code digest} the caller computed once, for a load that pushes the
     * same bytes many times; requires 201 and that digest in {@code Docker-Content-Digest}.
     */
    public void putManifest(String repo, String reference, String mediaType, byte[] bytes, String digest) {
        Response r = expect(Request.of("PUT", "/v2/" + repo + "/manifests/" + reference)
                .header("Content-Type", mediaType).body(bytes), 201);
        requireDigest(r, digest);
    }

    /** GET a manifest; requires 200 and exactly {@code bytes}. */
    public void getManifest(String repo, String reference, String mediaType, byte[] bytes) {
        Response r = expect(Request.of("GET", "/v2/" + repo + "/manifests/" + reference).header("Accept", mediaType), 200);
        if (!java.util.Arrays.equals(r.body(), bytes)) {
            throw new BenchmarkFailure("manifest " + repo + ":" + reference + " came back different from what was pushed");
        }
    }

    /**
     * Walks a paginated listing from {@code firstPage}, following {@code Link: <...>; rel="next"}, collecting
     * the strings under {@code field}. Stops after {@code maxPages} pages (a runaway walk is a failure).
     */
    public Listing walk(String firstPage, String field, int maxPages) {
        List<String> items = new ArrayList<>();
        List<Long> pageNanos = new ArrayList<>();
        Optional<String> next = Optional.of(firstPage);
        while (next.isPresent()) {
            if (pageNanos.size() >= maxPages) {
                throw new BenchmarkFailure("listing " + firstPage + " did not end within " + maxPages + " pages");
            }
            long start = System.nanoTime();
            Response r = expect(Request.of("GET", next.get()), 200);
            pageNanos.add(System.nanoTime() - start);
            try {
                JsonNode page = JSON.readTree(r.body());
                for (JsonNode item : page.path(field)) {
                    items.add(item.asText());
                }
            } catch (IOException e) {
                throw new BenchmarkFailure("listing page is not JSON: " + r.describe(), e);
            }
            next = r.header("Link").map(RegistryClient::linkTarget);
        }
        return new Listing(items, pageNanos);
    }

    /**
     * The items of a listing and how long each page took.
     *
     * @param items     every item, in the order served
     * @param pageNanos time per page request, in order
     */
    public record Listing(List<String> items, List<Long> pageNanos) {
    }

    /** The target of a {@code Link} header, as origin-form. */
    static String linkTarget(String link) {
        int open = link.indexOf('<');
        int close = link.indexOf('>', open + 1);
        if (open < 0 || close < 0 || !link.substring(close).contains("rel=\"next\"")) {
            throw new BenchmarkFailure("unexpected Link header: " + link);
        }
        return originForm(link.substring(open + 1, close));
    }

    private static String location(Response r) {
        return originForm(r.header("Location").orElseThrow(() -> new BenchmarkFailure("no Location in " + r.describe())));
    }

    /** {@code http://host:port/p?q} or {@code /p?q} to {@code /p?q}. */
    public static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        URI u = URI.create(uri);
        String raw = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        if (!raw.startsWith("/")) {
            throw new BenchmarkFailure("cannot use Location " + uri);
        }
        return raw;
    }

    static String withQuery(String target, String parameter) {
        return target + (target.contains("?") ? "&" : "?") + parameter;
    }

    private static void requireDigest(Response r, String digest) {
        String got = r.header("Docker-Content-Digest").orElse("(none)");
        if (!got.equals(digest)) {
            throw new BenchmarkFailure("expected Docker-Content-Digest " + digest + ", got " + got);
        }
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
