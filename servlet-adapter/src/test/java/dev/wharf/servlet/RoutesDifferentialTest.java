package dev.wharf.servlet;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written route shapes against the regular expressions that specify them, on random paths built
 * from the words routes are made of: same endpoint (or 405, or 404) and same captured parts, for every
 * method. The regexes are the reference because they say plainly what each route accepts.
 */
class RoutesDifferentialTest {
    private record Spec(Pattern pattern, List<String> groups, Endpoint... endpoints) {
        Spec(String regex, List<String> groups, Endpoint... endpoints) {
            this(Pattern.compile(regex), groups, endpoints);
        }
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("^/?$", List.of(), Endpoint.BASE),
            new Spec("^/_catalog$", List.of(), Endpoint.CATALOG),
            new Spec("^/_oci/ext/discover$", List.of(), Endpoint.DISCOVER),
            new Spec("^/(?<name>.+)/_oci/ext/discover$", List.of("name"), Endpoint.REPOSITORY_DISCOVER),
            new Spec("^/(?<name>.+)/blobs/uploads/?$", List.of("name"), Endpoint.UPLOAD_START),
            new Spec("^/(?<name>.+)/blobs/uploads/(?<id>[^/]+)$", List.of("name", "id"), Endpoint.UPLOAD_STATUS,
                    Endpoint.UPLOAD_CHUNK, Endpoint.UPLOAD_COMPLETE, Endpoint.UPLOAD_CANCEL),
            new Spec("^/(?<name>.+)/blobs/(?<digest>[^/]+)$", List.of("name", "digest"), Endpoint.BLOB_READ,
                    Endpoint.BLOB_DELETE),
            new Spec("^/(?<name>.+)/manifests/(?<reference>[^/]+)$", List.of("name", "reference"),
                    Endpoint.MANIFEST_READ, Endpoint.MANIFEST_PUT, Endpoint.MANIFEST_DELETE),
            new Spec("^/(?<name>.+)/tags/list$", List.of("name"), Endpoint.TAGS_LIST),
            new Spec("^/(?<name>.+)/referrers/(?<digest>[^/]+)$", List.of("name", "digest"), Endpoint.REFERRERS));

    private static final String[] WORDS = {"", "a", "b-c", "blobs", "uploads", "manifests", "tags", "list",
            "referrers", "_oci", "ext", "discover", "_catalog", "sha256:00", "latest", "x\ny", "\r", "\u2028",
            "\u0085", "Up", ".", "..", " ", "%2F"};
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

    /** What the regex table answers, with the same method rules as {@link Routes}. */
    private static String reference(String method, String path) {
        String p = path.isEmpty() ? "/" : path;
        for (Spec spec : SPECS) {
            Matcher m = spec.pattern.matcher(p);
            if (!m.matches()) {
                continue;
            }
            Endpoint found = null;
            List<String> allowed = new ArrayList<>();
            for (Endpoint e : spec.endpoints) {
                allowed.addAll(e.methods());
                if (e.methods().contains(method)) {
                    found = e;
                }
            }
            if (found == null && method.equals("HEAD")) {
                for (Endpoint e : spec.endpoints) {
                    if (e.methods().contains("GET")) {
                        found = e;
                    }
                }
            }
            if (found == null) {
                return "405";
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String g : spec.groups) {
                params.put(g, m.group(g));
            }
            return found + " " + Map.copyOf(params);
        }
        return "404";
    }

    private static String actual(String method, String path) {
        Routes.Result r = Routes.STANDARD.match(method, path);
        if (r instanceof Routes.Found f) {
            return f.endpoint() + " " + f.params();
        }
        return r instanceof Routes.MethodNotAllowed ? "405" : "404";
    }

    @Test
    void shouldAnswerAsTheRegexTableDoesForRandomPaths() {
        Random random = new Random(20261127);
        int found = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder path = new StringBuilder();
            int segments = random.nextInt(7);
            for (int s = 0; s < segments; s++) {
                path.append(random.nextInt(10) == 0 ? "" : "/").append(WORDS[random.nextInt(WORDS.length)]);
            }
            if (random.nextInt(8) == 0) {
                path.append('/');
            }
            String method = METHODS[random.nextInt(METHODS.length)];
            String expected = reference(method, path.toString());
            assertThat(actual(method, path.toString())).as("%s %s", method, path).isEqualTo(expected);
            if (!expected.equals("404")) {
                found++;
            }
        }
        assertThat(found).as("paths that reach a route").isGreaterThan(20_000);
    }
}
