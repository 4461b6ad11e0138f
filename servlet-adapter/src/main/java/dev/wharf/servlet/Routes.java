package dev.wharf.servlet;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The route table: path shapes (relative to the servlet's {@code /v2} mapping) to {@link Endpoint}s.
 *
 * <p>Every shape is anchored at the END of the path and captures the repository name as everything
 * before a fixed suffix ({@code /blobs/<digest>}, {@code /manifests/<reference>}, ...). A repository may
 * therefore be called {@code a/blobs/manifests}: only the last segments decide the endpoint. The one real
 * overlap, {@code <name>/blobs/uploads} without a trailing slash (upload start, or a blob whose "digest" is
 * {@code uploads}), is settled by order: routes are tried top to bottom and the upload route comes first.
 *
 * <p>A path that matches a route but not its methods answers 405 with {@code Allow}; a path that matches
 * nothing answers 404. HEAD reaches a GET-only endpoint (its handler then sends headers only).
 */
final class Routes {
    /** The OCI Distribution API as Wharf serves it. Order matters; see the class comment. */
    static final Routes STANDARD = new Routes(List.of(
            Route.exact("/", Endpoint.BASE),
            Route.exact("/_catalog", Endpoint.CATALOG),
            Route.exact("/_oci/ext/discover", Endpoint.DISCOVER),
            Route.exact(EventsHandler.PATH, Endpoint.EVENTS),
            Route.exact(UsageHandler.PATH, Endpoint.USAGE),
            Route.nameThen(UsageHandler.PATH, false, Endpoint.REPOSITORY_USAGE),
            Route.exact(SearchHandler.PATH, Endpoint.SEARCH),
            Route.nameThen(SearchHandler.REPOSITORY_PATH, false, Endpoint.REPOSITORY_SEARCH),
            Route.nameThen("/_oci/ext/discover", false, Endpoint.REPOSITORY_DISCOVER),
            Route.nameThen("/blobs/uploads", true, Endpoint.UPLOAD_START),
            Route.nameThenSegment("/blobs/uploads/", "id", Endpoint.UPLOAD_STATUS, Endpoint.UPLOAD_CHUNK,
                    Endpoint.UPLOAD_COMPLETE, Endpoint.UPLOAD_CANCEL),
            Route.nameThenSegment("/blobs/", "digest", Endpoint.BLOB_READ, Endpoint.BLOB_DELETE),
            Route.nameThenSegment("/manifests/", "reference", Endpoint.MANIFEST_READ, Endpoint.MANIFEST_PUT,
                    Endpoint.MANIFEST_DELETE),
            Route.nameThen("/tags/list", false, Endpoint.TAGS_LIST),
            Route.nameThenSegment("/referrers/", "digest", Endpoint.REFERRERS)));

    private final List<Route> routes;

    Routes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * Finds the endpoint for a request.
     *
     * @param method the HTTP method, upper case
     * @param path   the path after the servlet mapping ({@link RequestPath}; {@code null} means {@code /})
     */
    Result match(String method, String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        for (Route route : routes) {
            Map<String, String> params = route.shape.match(p);
            if (params == null) {
                continue;
            }
            Optional<Endpoint> endpoint = route.endpointFor(method);
            if (endpoint.isEmpty()) {
                return new MethodNotAllowed(route.allowedMethods());
            }
            return new Found(endpoint.get(), params);
        }
        return new NotFound();
    }

    /** The outcome of matching a request. */
    sealed interface Result permits Found, MethodNotAllowed, NotFound {
    }

    /**
     * The request reaches {@code endpoint}.
     *
     * @param params the path's captured parts ({@code name}, {@code digest}, {@code reference}, {@code id})
     */
    record Found(Endpoint endpoint, Map<String, String> params) implements Result {
        Found {
            params = Map.copyOf(params);
        }
    }

    /** The path is known but not for this method; {@code allowed} goes into the {@code Allow} header. */
    record MethodNotAllowed(Set<String> allowed) implements Result {
        MethodNotAllowed {
            allowed = Set.copyOf(allowed);
        }
    }

    /** No route matches the path. */
    record NotFound() implements Result {
    }

    /** How a route's paths look; returns the captured parts, or null when the path is not of this shape. */
    @FunctionalInterface
    interface Shape {
        Map<String, String> match(String path);
    }

    /** One path shape and the endpoints (one per method) behind it. */
    static final class Route {
        private final Shape shape;
        private final Map<String, Endpoint> byMethod = new LinkedHashMap<>();

        private Route(Shape shape, Endpoint... endpoints) {
            this.shape = shape;
            for (Endpoint endpoint : endpoints) {
                for (String method : endpoint.methods()) {
                    if (byMethod.put(method, endpoint) != null) {
                        throw new IllegalArgumentException("two endpoints for " + method + ": " + endpoint);
                    }
                }
            }
        }

        /** Exactly {@code path}. */
        static Route exact(String path, Endpoint... endpoints) {
            return new Route(p -> p.equals(path) ? Map.of() : null, endpoints);
        }

        /**
         * {@code /<name><suffix>}, optionally with one trailing slash: {@code name} is everything between the
         * first slash and the suffix (regex {@code ^/(?<name>.+)<suffix>/?$}).
         */
        static Route nameThen(String suffix, boolean trailingSlash, Endpoint... endpoints) {
            return new Route(p -> {
                String q = trailingSlash && p.endsWith(suffix + "/") ? p.substring(0, p.length() - 1) : p;
                if (q.length() < suffix.length() + 2 || q.charAt(0) != '/' || !q.endsWith(suffix)) {
                    return null;
                }
                String name = q.substring(1, q.length() - suffix.length());
                return isName(name) ? Map.of("name", name) : null;
            }, endpoints);
        }

        /**
         * {@code /<name><infix><segment>}: the last segment (no slash, not empty) under {@code param}, and the
         * name before the infix (regex {@code ^/(?<name>.+)<infix>(?<param>[^/]+)$}).
         */
        static Route nameThenSegment(String infix, String param, Endpoint... endpoints) {
            return new Route(p -> {
                int slash = p.lastIndexOf('/');
                int nameEnd = slash + 1 - infix.length();
                if (slash == p.length() - 1 || nameEnd < 1 || !p.startsWith(infix, nameEnd) || p.charAt(0) != '/') {
                    return null;
                }
                String name = p.substring(1, nameEnd);
                return isName(name) ? Map.of("name", name, param, p.substring(slash + 1)) : null;
            }, endpoints);
        }

        /** What the regex {@code .+} takes: at least one character, none a line terminator. */
        private static boolean isName(String s) {
            if (s.isEmpty()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                    return false;
                }
            }
            return true;
        }

        Optional<Endpoint> endpointFor(String method) {
            Endpoint endpoint = byMethod.get(method);
            if (endpoint == null && "HEAD".equals(method)) {
                endpoint = byMethod.get("GET");
            }
            return Optional.ofNullable(endpoint);
        }

        Set<String> allowedMethods() {
            Set<String> allowed = new LinkedHashSet<>(byMethod.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return allowed;
        }
    }
}
