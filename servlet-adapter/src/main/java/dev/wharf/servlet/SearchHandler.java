package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.SearchPage;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.SearchResult;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Search ({@link Registry#search}) over HTTP: {@code GET /v2/_wharf/ext/search} across the registry, and
 * {@code GET /v2/<name>/_wharf/ext/tags}, the same for one repository's tags. Parameters, all optional:
 * {@code q} (repository name prefix or glob; registry-wide only), {@code tag} (glob), {@code artifactType} and
 * {@code mediaType} (repeatable: any of them), {@code annotation=key=value} (repeatable: all of them),
 * {@code pushedAfter}, {@code pushedBefore}, {@code updatedAfter}, {@code updatedBefore} (RFC 3339),
 * {@code sort=name|pushed|updated}, {@code order=asc|desc}, {@code n} and {@code cursor}. The answer:
 * <pre>{@code
 * {"results": [{"repository": "team/app", "tag": "v1", "digest": "sha256:…",
 *               "mediaType": "application/vnd.oci.image.manifest.v1+json",
 *               "artifactType": "application/vnd.oci.image.config.v1+json", "size": 2795,
 *               "pushed": "2026-11-30T12:00:00.123Z", "updated": "2026-11-30T12:00:00.123Z",
 *               "annotations": {}}],
 *  "next": "<cursor>"}
 * }</pre>
 * with {@code Link: <…&cursor=…>; rel="next"} while more may follow. An unknown or repeated single parameter, a
 * bad value or cursor is refused with {@code 400 QUERY_INVALID} (or {@code PAGINATION_NUMBER_INVALID} for
 * {@code n}) and a detail naming the parameter.
 */
final class SearchHandler {
    /** The registry-wide search, under the servlet's mapping. */
    static final String PATH = "/_wharf/ext/search";
    /** A repository's view, after its name. */
    static final String REPOSITORY_PATH = "/_wharf/ext/tags";

    private static final Set<String> SINGLE = Set.of("q", "tag", "pushedAfter", "pushedBefore", "updatedAfter",
            "updatedBefore", "sort", "order", "n", "cursor");
    private static final Set<String> REPEATABLE = Set.of("artifactType", "mediaType", "annotation");

    private final Registry registry;

    SearchHandler(Registry registry) {
        this.registry = registry;
    }

    /** GET {@code /v2/_wharf/ext/search}. */
    void search(Exchange ex) throws IOException {
        answer(ex, query(ex.query(), SearchQuery.all(), true), ex.path(PATH));
    }

    /** GET {@code /v2/<name>/_wharf/ext/tags}. */
    void repository(Exchange ex) throws IOException {
        answer(ex, query(ex.query(), SearchQuery.in(ex.name()), false), ex.repositoryPath(REPOSITORY_PATH));
    }

    private void answer(Exchange ex, SearchQuery query, String path) throws IOException {
        SearchPage page = registry.search(ex.caller(), query);
        List<Map<String, Object>> results = new ArrayList<>(page.results().size());
        for (SearchResult r : page.results()) {
            results.add(json(r));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("results", results);
        page.next().ifPresent(cursor -> {
            body.put("next", cursor);
            ex.setHeader("Link", "<" + path + "?" + queryWithCursor(ex.query(), cursor) + ">; rel=\"next\"");
        });
        ex.sendJson(HttpServletResponse.SC_OK, body);
    }

    static Map<String, Object> json(SearchResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repository", r.repository().value());
        out.put("tag", r.tag().value());
        out.put("digest", r.digest().toString());
        out.put("mediaType", r.mediaType());
        r.artifactType().ifPresent(type -> out.put("artifactType", type));
        out.put("size", r.size());
        out.put("pushed", r.pushedAt().toString());
        out.put("updated", r.updatedAt().toString());
        out.put("annotations", new TreeMap<>(r.annotations())); // sorted, so equal results print alike
        return out;
    }

    /** The request's parameters as a query; every value checked, named in the refusal when bad. */
    static SearchQuery query(QueryParams params, SearchQuery base, boolean registryWide) {
        for (String name : params.names()) {
            boolean single = SINGLE.contains(name) && !(name.equals("q") && !registryWide);
            if (!single && !REPEATABLE.contains(name)) {
                throw SearchQuery.invalid(name, registryWide ? "not a search parameter"
                        : "not a parameter of a repository's tags (q searches the registry: _wharf/ext/search)");
            }
            if (single && params.all(name).size() > 1) {
                throw SearchQuery.invalid(name, "given more than once");
            }
        }
        SearchQuery query = base;
        query = apply(query, params, "q", SearchQuery::withRepositories);
        query = apply(query, params, "tag", SearchQuery::withTags);
        if (!params.all("artifactType").isEmpty()) {
            query = query.withArtifactTypes(new LinkedHashSet<>(params.all("artifactType")));
        }
        if (!params.all("mediaType").isEmpty()) {
            query = query.withMediaTypes(new LinkedHashSet<>(params.all("mediaType")));
        }
        if (!params.all("annotation").isEmpty()) {
            Map<String, String> required = new LinkedHashMap<>();
            for (String pair : params.all("annotation")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw SearchQuery.invalid("annotation", "an annotation filter is key=value; was '" + pair + "'");
                }
                String key = pair.substring(0, eq);
                if (required.containsKey(key)) {
                    throw SearchQuery.invalid("annotation", "two values required of '" + key + "'");
                }
                required.put(key, pair.substring(eq + 1));
            }
            query = query.withAnnotations(required);
        }
        query = apply(query, params, "pushedAfter", (q, v) -> q.withPushedAfter(time("pushedAfter", v)));
        query = apply(query, params, "pushedBefore", (q, v) -> q.withPushedBefore(time("pushedBefore", v)));
        query = apply(query, params, "updatedAfter", (q, v) -> q.withUpdatedAfter(time("updatedAfter", v)));
        query = apply(query, params, "updatedBefore", (q, v) -> q.withUpdatedBefore(time("updatedBefore", v)));
        Optional<String> sort = params.first("sort");
        Optional<String> order = params.first("order");
        if (sort.isPresent() || order.isPresent()) {
            SearchQuery.Sort by = sort.map(SearchHandler::sort).orElse(query.sort());
            query = order.isPresent() ? query.withSort(by, order(order.get())) : query.withSort(by);
        }
        query = apply(query, params, "n", (q, v) -> q.withLimit(limit(v)));
        query = apply(query, params, "cursor", SearchQuery::withCursor);
        return query;
    }

    private static SearchQuery apply(SearchQuery query, QueryParams params, String name,
                                     BiFunction<SearchQuery, String, SearchQuery> with) {
        Optional<String> value = params.first(name);
        return value.isEmpty() ? query : with.apply(query, value.get());
    }

    private static Instant time(String parameter, String value) {
        try {
            return OffsetDateTime.parse(value.replace(' ', 'T').toUpperCase(Locale.ROOT),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw SearchQuery.invalid(parameter, "not an RFC 3339 date-time such as 2026-01-31T12:00:00Z: '"
                    + value + "'");
        }
    }

    private static SearchQuery.Sort sort(String value) {
        for (SearchQuery.Sort sort : SearchQuery.Sort.values()) {
            if (sort.wireName().equals(value)) {
                return sort;
            }
        }
        throw SearchQuery.invalid("sort", "sort by name, pushed or updated; not '" + value + "'");
    }

    private static SearchQuery.Order order(String value) {
        for (SearchQuery.Order order : SearchQuery.Order.values()) {
            if (order.wireName().equals(value)) {
                return order;
            }
        }
        throw SearchQuery.invalid("order", "order asc or desc; not '" + value + "'");
    }

    private static int limit(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "'n' must be a whole number; was '"
                    + value + "'", Map.of("parameter", "n"));
        }
    }

    /** The request's own parameters, in its order, with {@code cursor} set to the next page's. */
    private static String queryWithCursor(QueryParams params, String cursor) {
        StringBuilder out = new StringBuilder();
        for (String name : params.names()) {
            if (name.equals("cursor")) {
                continue;
            }
            for (String value : params.all(name)) {
                out.append(encode(name)).append('=').append(encode(value)).append('&');
            }
        }
        return out.append("cursor=").append(encode(cursor)).toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
