package dev.wharf.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query string of a request, parsed by hand from {@code getQueryString()} rather than through
 * {@code getParameter()}, so the container never tries to read a request body as a form (an upload body
 * must reach the engine untouched).
 *
 * <p>Decoding is RFC 3986 percent-decoding as UTF-8, deliberately <em>without</em> the HTML-form rule that
 * turns {@code '+'} into a space: no registry parameter may contain a space, but media types in
 * {@code artifactType} do contain {@code '+'} and clients do not always escape it. A malformed escape is
 * kept literally, so the value fails its own validation (DIGEST_INVALID, TAG_INVALID, ...) instead of the
 * request failing with a generic error.
 */
final class QueryParams {
    private static final QueryParams EMPTY = new QueryParams(Map.of());

    private final Map<String, List<String>> values;

    private QueryParams(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Parses a raw query string ({@code null} or empty gives no parameters). */
    static QueryParams parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return new QueryParams(values);
    }

    /** The first value of {@code name}, if given. */
    Optional<String> first(String name) {
        List<String> all = values.get(name);
        return all == null ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The names of the parameters given, in request order. */
    java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(values.keySet());
    }

    /** Every value of {@code name}, in request order; empty if not given. */
    List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /** Percent-decodes {@code s} as UTF-8; {@code '+'} stays {@code '+'}, malformed escapes stay literal. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 3;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
