package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP exchange as the suite sees it: what was asked, the status, the headers (names compared
 * case-insensitively) and the body bytes exactly as received.
 */
public record Response(String method, URI uri, int status, Map<String, List<String>> headers, byte[] body) {

    public Response {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (name != null) {
                copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
            }
        });
        headers = copy;
        body = body.clone();
    }

    /** The first value of a header, if present. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of a header, one entry per header line, in order. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /**
     * Every element of a list-valued header ({@code OCI-Tag: a, b} / repeated lines), trimmed.
     */
    public List<String> headerElements(String name) {
        List<String> out = new ArrayList<>();
        for (String line : headerValues(name)) {
            for (String part : line.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** The body decoded as UTF-8. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON. */
    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + describe(), e);
        }
    }

    /** Content-Type without parameters, lowercased, or empty. */
    public String mediaType() {
        return header("Content-Type").map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
    }

    /** The request and the answer in a few lines, for assertion messages. */
    public String describe() {
        String shown = text();
        if (shown.length() > 600) {
            shown = shown.substring(0, 600) + "...(" + body.length + " bytes)";
        }
        return method + " " + uri + " -> " + status + " " + headers + " " + shown;
    }

    @Override
    public String toString() {
        return describe();
    }
}
