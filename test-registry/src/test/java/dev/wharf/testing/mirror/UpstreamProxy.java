package dev.wharf.testing.mirror;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP hop between a mirror and its upstream registry that counts what passes and can misbehave on
 * request: go down (nothing listens), hang (answers nothing), rate-limit (429), or corrupt the bodies of blobs or
 * manifests it relays. Token requests go to the upstream directly (its challenge names its own realm).
 */
final class UpstreamProxy implements AutoCloseable {
    /** How the proxy treats requests. */
    enum Mode {
        RELAY, HANG, RATE_LIMIT, CORRUPT_BLOBS, CORRUPT_MANIFESTS,
        /** Blob bodies without Content-Length (chunked). */
        CHUNKED_BLOBS,
        /** Blob bodies cut off at half the length announced. */
        TRUNCATED_BLOBS,
        /** Blob GETs redirected to a location that is not an HTTP URL. */
        BAD_REDIRECT
    }

    private static final List<String> RELAYED_HEADERS = List.of("Content-Type", "Docker-Content-Digest",
            "WWW-Authenticate", "Location", "Retry-After", "ETag");

    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.RELAY;
    private final int port;
    private HttpServer server;

    UpstreamProxy(URI target) throws IOException {
        this.target = target;
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
        s.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "upstream-proxy");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/", this::handle);
        s.start();
        return s;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void mode(Mode newMode) {
        this.mode = newMode;
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    synchronized void down() {
        server.stop(0);
    }

    synchronized void up() throws IOException {
        server = listen(port);
    }

    /** How many requests {@code method path} the upstream answered with 200 through this proxy. */
    int served(String method, String path) {
        AtomicInteger n = served.get(method + " " + path);
        return n == null ? 0 : n.get();
    }

    /** Requests the upstream answered with 200 whose path contains {@code fragment}. */
    int servedMatching(String fragment) {
        return served.entrySet().stream().filter(e -> e.getKey().contains(fragment))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Mode now = mode;
            if (now == Mode.HANG) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (now == Mode.RATE_LIMIT) {
                exchange.getResponseHeaders().set("Retry-After", "30");
                exchange.sendResponseHeaders(429, -1);
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (now == Mode.BAD_REDIRECT && path.contains("/blobs/") && exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Location", "ftp://files.example/blob");
                exchange.sendResponseHeaders(307, -1);
                return;
            }
            String query = exchange.getRequestURI().getRawQuery();
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    target.resolve(path + (query == null ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            for (String name : List.of("Authorization", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            byte[] body = response.body();
            boolean get = exchange.getRequestMethod().equals("GET");
            if (response.statusCode() == 200) {
                served.computeIfAbsent(exchange.getRequestMethod() + " " + path, k -> new AtomicInteger()).incrementAndGet();
                if (get && body.length > 0 && (now == Mode.CORRUPT_BLOBS && path.contains("/blobs/")
                        || now == Mode.CORRUPT_MANIFESTS && path.contains("/manifests/"))) {
                    body = body.clone();
                    body[body.length / 2] ^= 0x20;
                }
            }
            for (String name : RELAYED_HEADERS) {
                response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().set(name, v));
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                response.headers().firstValue("Content-Length")
                        .ifPresent(v -> exchange.getResponseHeaders().set("Content-Length", v));
                exchange.sendResponseHeaders(response.statusCode(), -1);
                return;
            }
            boolean blobBody = get && response.statusCode() == 200 && path.contains("/blobs/") && body.length > 0;
            if (blobBody && now == Mode.CHUNKED_BLOBS) {
                exchange.sendResponseHeaders(200, 0); // chunked: no length said
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            if (blobBody && now == Mode.TRUNCATED_BLOBS) {
                exchange.sendResponseHeaders(200, body.length);
                OutputStream out = exchange.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                exchange.getHttpContext().getServer(); // keep the exchange open, then drop the connection
                throw new IOException("cut off on purpose");
            }
            exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
    }

    /** Reads a stream whole (test helper). */
    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
