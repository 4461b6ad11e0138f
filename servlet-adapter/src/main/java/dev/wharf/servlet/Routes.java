package dev.wharf.servlet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table: path patterns (relative to the servlet's {@code /v2} mapping) to {@link Endpoint}s.
 *
 * <p>Every pattern is anchored at the END of the path and captures the repository name as everything
 * before a fixed suffix ({@code /blobs/<digest>}, {@code /manifests/<reference>}, ...). A repository may
 * therefore be called {@code a/blobs/manifests}: only the last segments decide the endpoint. The one real
 * overlap, {@code <name>/blobs/uploads} without a trailing slash (upload start, or a blob whose "digest" is
 * {@code uploads}), is settled by order: routes are tried top to bottom and the upload route comes first.
 *
 * <p>A path that matches a route but not its methods answers 405 with {@code Allow}; a path that matches
 * nothing answers 404. HEAD reaches a GET-only endpoint (its handler then sends headers only).
 */
final class Routes {
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    /** The OCI Distribution API as Wharf serves it. Order matters; see the class comment. */
    static final Routes STANDARD = new Routes(List.of(
            new Route("^/?$", "", Endpoint.BASE),
            new Route("^/_catalog$", "/_catalog", Endpoint.CATALOG),
            new Route("^/_oci/ext/discover$", "/_oci/ext/discover", Endpoint.DISCOVER),
            new Route("^/(?<name>.+)/_oci/ext/discover$", "/_oci/ext/discover", Endpoint.REPOSITORY_DISCOVER),
            new Route("^/(?<name>.+)/blobs/uploads/?$", "/blobs/uploads", Endpoint.UPLOAD_START),
            new Route("^/(?<name>.+)/blobs/uploads/(?<id>[^/]+)$", "/blobs/uploads/", Endpoint.UPLOAD_STATUS,
                    Endpoint.UPLOAD_CHUNK, Endpoint.UPLOAD_COMPLETE, Endpoint.UPLOAD_CANCEL),
            new Route("^/(?<name>.+)/blobs/(?<digest>[^/]+)$", "/blobs/", Endpoint.BLOB_READ, Endpoint.BLOB_DELETE),
            new Route("^/(?<name>.+)/manifests/(?<reference>[^/]+)$", "/manifests/", Endpoint.MANIFEST_READ,
                    Endpoint.MANIFEST_PUT, Endpoint.MANIFEST_DELETE),
            new Route("^/(?<name>.+)/tags/list$", "/tags/list", Endpoint.TAGS_LIST),
            new Route("^/(?<name>.+)/referrers/(?<digest>[^/]+)$", "/referrers/", Endpoint.REFERRERS)));

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
            if (!p.contains(route.literal)) {
                continue; // cheap pre-check: most routes are ruled out without running their regex
            }
            Matcher m = route.pattern.matcher(p);
            if (!m.matches()) {
                continue;
            }
            Optional<Endpoint> endpoint = route.endpointFor(method);
            if (endpoint.isEmpty()) {
                return new MethodNotAllowed(route.allowedMethods());
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String group : route.groups) {
                params.put(group, m.group(group));
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

    /** One path pattern and the endpoints (one per method) behind it. */
    static final class Route {
        private final Pattern pattern;
        /** Text every path this route matches contains. */
        private final String literal;
        private final List<String> groups;
        private final Map<String, Endpoint> byMethod = new LinkedHashMap<>();

        Route(String regex, String literal, Endpoint... endpoints) {
            this.pattern = Pattern.compile(regex);
            this.literal = literal;
            List<String> names = new ArrayList<>();
            Matcher m = GROUP_NAME.matcher(regex);
            while (m.find()) {
                names.add(m.group(1));
            }
            this.groups = List.copyOf(names);
            for (Endpoint endpoint : endpoints) {
                for (String method : endpoint.methods()) {
                    if (byMethod.put(method, endpoint) != null) {
                        throw new IllegalArgumentException(regex + ": two endpoints for " + method);
                    }
                }
            }
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
