package dev.wharf.core.mirror;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryException;
import dev.wharf.api.Reference;
import dev.wharf.api.Tag;
import dev.wharf.api.Upstream;
import dev.wharf.spi.UpstreamClient;
import dev.wharf.spi.UpstreamException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import javax.net.ssl.HttpsURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's {@link UpstreamClient}: the OCI Distribution API over the JDK's HTTP client, for one
 * {@link Upstream}.
 *
 * <p>Authentication follows the upstream's challenge. A {@code 401} with a {@code Bearer} challenge is answered
 * by the registry token flow: a token for the scope the request needs ({@code repository:<name>:pull}) is
 * asked from the challenge's realm, with the configured credentials as Basic when there are any and
 * anonymously otherwise, and kept until it expires ({@code expires_in}, 60 seconds when the token service does
 * not say). A {@code Basic} challenge is answered with the configured credentials. Credentials are sent only to
 * the upstream itself and its token realm; a redirect to another host (a blob store's URL) is followed without
 * them. A client's own credentials are never involved: the engine has none to forward.
 *
 * <p>Every wait is bounded: connecting by {@link Upstream#connectTimeout()}, the answer's headers and each read
 * of a body by {@link Upstream#readTimeout()} (a body that stops arriving is cut). The transport is the JDK's
 * {@link HttpURLConnection}, with its keep-alive connection cache: it reads a large body three to four times as
 * fast as {@code java.net.http.HttpClient}'s {@code InputStream} body handler on this project's benchmark machine,
 * and bounds every read itself. JVM-wide proxy settings ({@code http.proxyHost}, ...) apply.
 */
public final class HttpUpstreamClient implements UpstreamClient {
    /** What a mirror asks for: every manifest type a registry may hold except Docker schema 1. */
    static final String MANIFEST_ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.oci.artifact.manifest.v1+json");
    private static final int MAX_REDIRECTS = 5;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** A token is not used in its last seconds, so that it does not expire on the way. */
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(5);
    private static final int MAX_TOKEN_RESPONSE = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final Upstream upstream;
    private final String base;
    private final int maxManifestBytes;
    private final Clock clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    /** Sockets trusting the upstream's own certificates, when it names some; null for the JDK's defaults. */
    private final javax.net.ssl.SSLSocketFactory trustedSockets;
    /** Set once the upstream has asked for Basic: later requests send it at once. */
    private volatile boolean basicWanted;

    /** A client for {@code upstream}, accepting manifests of at most {@code maxManifestBytes}. */
    public HttpUpstreamClient(Upstream upstream, int maxManifestBytes, Clock clock) {
        this.upstream = upstream;
        this.maxManifestBytes = maxManifestBytes;
        this.clock = clock;
        this.trustedSockets = upstream.trustedCertificates().isEmpty() ? null
                : trusting(upstream.trustedCertificates());
        String url = upstream.url().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public Optional<FetchedManifest> manifest(String repository, Reference reference) {
        URI uri = uri(repository, "/manifests/" + reference);
        Answer response = send(repository, uri, "GET", MANIFEST_ACCEPT);
        try (InputStream body = response.body()) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            requireOk(response, "manifest " + reference + " of " + repository);
            byte[] bytes = readAtMost(body, maxManifestBytes, "the manifest " + reference + " of " + repository);
            String type = response.header("Content-Type").map(HttpUpstreamClient::withoutParameters)
                    .orElse("");
            return Optional.of(new FetchedManifest(type, bytes, statedDigest(response)));
        } catch (IOException e) {
            throw unreachable("reading manifest " + reference + " of " + repository, e);
        }
    }

    @Override
    public Optional<Digest> tagDigest(String repository, Tag tag) {
        Answer response = send(repository, uri(repository, "/manifests/" + tag.value()), "HEAD",
                MANIFEST_ACCEPT);
        closeQuietly(response.body());
        if (response.status() == 404) {
            return Optional.empty();
        }
        requireOk(response, "tag " + tag.value() + " of " + repository);
        Optional<Digest> stated = statedDigest(response);
        if (stated.isPresent()) {
            return stated;
        }
        // An upstream that does not state digests: fetch the manifest and hash it.
        return manifest(repository, tag).map(m -> dev.wharf.api.DigestAlgorithm.SHA256.digest(m.bytes()));
    }

    @Override
    public Optional<FetchedBlob> blob(String repository, Digest digest) {
        Answer response = send(repository, uri(repository, "/blobs/" + digest), "GET", "*/*");
        if (response.status() == 404) {
            closeQuietly(response.body());
            return Optional.empty();
        }
        if (response.status() != 200) {
            closeQuietly(response.body());
            requireOk(response, "blob " + digest + " of " + repository);
        }
        long size = response.longHeader("Content-Length").orElse(-1);
        return Optional.of(new FetchedBlob(size, response.body()));
    }

    @Override
    public OptionalLong blobSize(String repository, Digest digest) {
        Answer response = send(repository, uri(repository, "/blobs/" + digest), "HEAD", "*/*");
        closeQuietly(response.body());
        if (response.status() == 404) {
            return OptionalLong.empty();
        }
        requireOk(response, "blob " + digest + " of " + repository);
        OptionalLong size = response.longHeader("Content-Length");
        if (size.isEmpty()) {
            throw new UpstreamException(502, upstream.host() + " stated no size for blob " + digest);
        }
        return size;
    }

    @Override
    public Optional<FetchedManifest> referrers(String repository, Digest subject) {
        Answer response = send(repository, uri(repository, "/referrers/" + subject), "GET",
                "application/vnd.oci.image.index.v1+json");
        try (InputStream body = response.body()) {
            if (response.status() == 404 || response.status() == 405) {
                return Optional.empty();
            }
            requireOk(response, "referrers of " + subject + " in " + repository);
            String type = response.header("Content-Type").map(HttpUpstreamClient::withoutParameters)
                    .orElse("");
            if (!type.equals("application/vnd.oci.image.index.v1+json")) {
                return Optional.empty(); // not the referrers API (a registry answering something else there)
            }
            return Optional.of(new FetchedManifest(type, readAtMost(body, maxManifestBytes, "a referrers index"),
                    Optional.empty()));
        } catch (IOException e) {
            throw unreachable("reading referrers of " + subject + " in " + repository, e);
        }
    }

    /** A socket factory trusting exactly {@code certificates}. */
    private static javax.net.ssl.SSLSocketFactory trusting(java.util.List<java.security.cert.X509Certificate> certificates) {
        try {
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trust.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the upstream's certificates: " + e.getMessage(), e);
        }
    }

    // ---- requests and authentication ----

    private URI uri(String repository, String rest) {
        return URI.create(base + "/v2/" + repository + rest);
    }

    /**
     * Sends a request, answering one authentication challenge and following redirects (without credentials to
     * another host). The caller closes the body.
     */
    private Answer send(String repository, URI uri, String method, String accept) {
        String scope = "repository:" + repository + ":pull";
        Answer response = exchange(uri, method, accept, authorization(scope));
        if (response.status() == 401) {
            Optional<String> challenge = response.header("WWW-Authenticate");
            closeQuietly(response.body());
            Optional<String> answer = challenge.flatMap(c -> answer(c, scope));
            if (answer.isEmpty()) {
                throw new UpstreamException(401, upstream.host() + " refused the request for " + uri.getPath()
                        + (upstream.username().isPresent() ? " with the configured credentials"
                        : "; configure credentials for it"));
            }
            response = exchange(uri, method, accept, answer);
        }
        for (int redirects = 0; isRedirect(response.status()); redirects++) {
            Optional<String> location = response.header("Location");
            closeQuietly(response.body());
            if (location.isEmpty() || redirects == MAX_REDIRECTS) {
                throw new UpstreamException(502, upstream.host() + " redirected " + uri.getPath()
                        + (location.isEmpty() ? " without a Location" : " too often"));
            }
            URI next;
            try {
                next = uri.resolve(location.get().trim());
            } catch (IllegalArgumentException e) {
                throw new UpstreamException(502, upstream.host() + " redirected " + uri.getPath()
                        + " to an unusable location");
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || next.getHost() == null) {
                throw new UpstreamException(502, upstream.host() + " redirected " + uri.getPath()
                        + " to a location that is not an http or https URL");
            }
            boolean sameOrigin = sameOrigin(next, upstream.url());
            response = exchange(next, method, accept, sameOrigin ? authorization(scope) : Optional.empty());
            uri = next;
        }
        return response;
    }

    private Answer exchange(URI uri, String method, String accept, Optional<String> authorization) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            if (c instanceof HttpsURLConnection https && trustedSockets != null) {
                https.setSSLSocketFactory(trustedSockets);
            }
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setConnectTimeout(millis(upstream.connectTimeout()));
            c.setReadTimeout(millis(upstream.readTimeout()));
            c.setRequestMethod(method);
            c.setRequestProperty("Accept", accept);
            authorization.ifPresent(value -> c.setRequestProperty("Authorization", value));
            int status = c.getResponseCode();
            if (status < 0) {
                throw new IOException("the answer is not HTTP");
            }
            InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            c.getHeaderFields().forEach((name, values) -> {
                if (name != null) {
                    headers.put(name, values);
                }
            });
            return new Answer(status, headers, body == null ? InputStream.nullInputStream() : body);
        } catch (IOException | IllegalArgumentException e) {
            throw unreachable(method + " " + uri.getPath(), e);
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** An upstream's answer: status, headers (names case-insensitive) and the body, which the caller closes. */
    private record Answer(int status, Map<String, List<String>> headers, InputStream body) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
        }

        OptionalLong longHeader(String name) {
            try {
                return header(name).map(v -> OptionalLong.of(Long.parseLong(v.trim()))).orElse(OptionalLong.empty());
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
    }

    /** The Authorization for a request needing {@code scope}, before any challenge: a cached token, or Basic. */
    private Optional<String> authorization(String scope) {
        Token token = tokens.get(scope);
        if (token != null && token.usableAt(clock.instant())) {
            return Optional.of("Bearer " + token.value());
        }
        if (token != null) {
            tokens.remove(scope, token);
        }
        return basicWanted ? basic() : Optional.empty();
    }

    /** The Authorization answering {@code challenge}; empty when it cannot be answered. */
    private Optional<String> answer(String challenge, String scope) {
        Optional<Challenge> parsed = Challenge.parse(challenge);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Challenge c = parsed.get();
        if (c.scheme().equals("basic")) {
            basicWanted = true;
            return basic();
        }
        if (!c.scheme().equals("bearer") || !c.params().containsKey("realm")) {
            return Optional.empty();
        }
        Token token = fetchToken(c.params().get("realm"), Optional.ofNullable(c.params().get("service")), scope);
        tokens.put(scope, token);
        return Optional.of("Bearer " + token.value());
    }

    private Optional<String> basic() {
        if (upstream.username().isEmpty()) {
            return Optional.empty();
        }
        String pair = upstream.username().get() + ":" + upstream.password().orElse("");
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** Asks the token service at {@code realm} for a token granting {@code scope}. */
    private Token fetchToken(String realm, Optional<String> service, String scope) {
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(502, upstream.host() + " named an unusable token realm: " + realm);
        }
        String scheme = realmUri.getScheme() == null ? "" : realmUri.getScheme().toLowerCase(Locale.ROOT);
        boolean upstreamTls = upstream.url().getScheme().equalsIgnoreCase("https");
        if (!(scheme.equals("https") || scheme.equals("http") && !upstreamTls) || realmUri.getHost() == null) {
            throw new UpstreamException(502, upstream.host() + " named a token realm this mirror will not send "
                    + "credentials to: " + realm + (upstreamTls ? " (an https upstream needs an https realm)" : ""));
        }
        StringBuilder query = new StringBuilder();
        service.ifPresent(s -> query.append("service=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)).append('&'));
        query.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        Answer response = exchange(uri, "GET", "application/json", basic());
        try (InputStream body = response.body()) {
            if (response.status() != 200) {
                throw new UpstreamException(response.status() == 401 || response.status() == 403 ? 401
                        : response.status(), upstream.host() + "'s token service answered "
                        + response.status() + (upstream.username().isPresent() ? " for the configured user"
                        : " to an anonymous request; configure credentials for it"));
            }
            return Token.parse(readAtMost(body, MAX_TOKEN_RESPONSE, "a token response"), clock.instant(),
                    upstream.host());
        } catch (IOException e) {
            throw unreachable("reading a token from " + realmUri.getHost(), e);
        }
    }

    private void requireOk(Answer response, String what) {
        int status = response.status();
        if (status == 200) {
            return;
        }
        Optional<Duration> retryAfter = response.header("Retry-After").flatMap(HttpUpstreamClient::seconds);
        String reason = switch (status) {
            case 401, 403 -> upstream.username().isPresent()
                    ? " refused the mirror's configured credentials for "
                    : " wants credentials, and the mirror has none configured, for ";
            case 429 -> " is rate-limiting requests for ";
            default -> status >= 500 ? " failed to serve " : " answered " + status + " for ";
        };
        throw new UpstreamException(status, upstream.host() + reason + what + " (HTTP " + status + ")", retryAfter, null);
    }

    private UpstreamException unreachable(String what, Exception cause) {
        String why = cause instanceof SocketTimeoutException ? "did not answer in time"
                : cause instanceof java.net.ConnectException ? "is unreachable" : "broke off the connection";
        return new UpstreamException(UpstreamException.UNREACHABLE, upstream.host() + " " + why + " (" + what + ")",
                Optional.empty(), cause);
    }

    private static Optional<Digest> statedDigest(Answer response) {
        Optional<String> header = response.header("Docker-Content-Digest");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Digest.parse(header.get().trim()));
        } catch (RegistryException | IllegalArgumentException e) {
            return Optional.empty(); // an unusable statement is no statement; the bytes are hashed anyway
        }
    }

    /**
     * Reads a small body whole: at most {@code limit} bytes, within twice the read timeout in all (each read is
     * bounded by the timeout; this bounds a trickle that never trips it).
     */
    private byte[] readAtMost(InputStream in, int limit, String what) throws IOException {
        long deadline = System.nanoTime() + 2 * upstream.readTimeout().toNanos();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > limit) {
                throw new UpstreamException(502, what + " from " + upstream.host() + " is larger than " + limit
                        + " bytes");
            }
            if (System.nanoTime() > deadline) {
                throw new UpstreamException(UpstreamException.UNREACHABLE, upstream.host() + " took longer than "
                        + 2 * upstream.readTimeout().toMillis() + " ms to send " + what);
            }
        }
        return out.toByteArray();
    }

    private static String withoutParameters(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to read from it either way
        }
    }

    /** A bearer token and when to stop using it. */
    record Token(String value, Instant expires) {
        boolean usableAt(Instant now) {
            return now.isBefore(expires.minus(TOKEN_MARGIN));
        }

        /** Reads {@code {"token": …, "access_token": …, "expires_in": …}}. */
        static Token parse(byte[] json, Instant now, String host) {
            String token = null;
            String accessToken = null;
            long expiresIn = DEFAULT_TOKEN_LIFETIME.toSeconds();
            try (JsonParser p = JSON.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new UpstreamException(502, host + "'s token service answered something other than a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "token" -> token = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "access_token" -> accessToken = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "expires_in" -> {
                            if (value == JsonToken.VALUE_NUMBER_INT && p.getLongValue() > 0) {
                                expiresIn = p.getLongValue();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } catch (IOException e) {
                throw new UpstreamException(502, host + "'s token service answered malformed JSON", Optional.empty(), e);
            }
            String chosen = token != null && !token.isEmpty() ? token : accessToken;
            if (chosen == null || chosen.isEmpty() || !chosen.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new UpstreamException(502, host + "'s token service answered without a usable token");
            }
            // A token shorter-lived than the margin is still used once, right away.
            Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, TOKEN_MARGIN.toSeconds() + 1));
            return new Token(chosen, now.plus(lifetime));
        }
    }

    /** One {@code WWW-Authenticate} challenge: its scheme (lowercase) and parameters. */
    record Challenge(String scheme, Map<String, String> params) {
        /** Parses the first challenge of a header value; empty if it is malformed. */
        static Optional<Challenge> parse(String header) {
            String h = header.trim();
            int space = h.indexOf(' ');
            String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
            if (scheme.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> params = new java.util.LinkedHashMap<>();
            int i = space < 0 ? h.length() : space + 1;
            while (i < h.length()) {
                while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
                    i++;
                }
                int eq = h.indexOf('=', i);
                if (eq < 0) {
                    break;
                }
                String key = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
                i = eq + 1;
                StringBuilder value = new StringBuilder();
                if (i < h.length() && h.charAt(i) == '"') {
                    i++;
                    while (i < h.length() && h.charAt(i) != '"') {
                        if (h.charAt(i) == '\\' && i + 1 < h.length()) {
                            i++;
                        }
                        value.append(h.charAt(i++));
                    }
                    if (i >= h.length()) {
                        return Optional.empty(); // unterminated quote
                    }
                    i++;
                } else {
                    while (i < h.length() && h.charAt(i) != ',') {
                        value.append(h.charAt(i++));
                    }
                }
                params.putIfAbsent(key, value.toString().trim());
            }
            return Optional.of(new Challenge(scheme, Map.copyOf(params)));
        }
    }

    /** Used by tests: the hosts' token cache size. */
    int cachedTokens() {
        return tokens.size();
    }

    @Override
    public String toString() {
        return "HttpUpstreamClient[" + upstream + "]";
    }
}
