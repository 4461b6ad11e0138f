package dev.wharf.servlet;

import dev.wharf.api.Digest;
import dev.wharf.api.Precondition;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Conditional request headers (RFC 9110 section 13) with Wharf's entity tags, which are digests:
 * {@code ETag: "sha256:..."}. Parses {@code If-Match} and {@code If-None-Match} (several headers or
 * comma-separated lists, {@code *}, weak {@code W/} prefixes) into the engine's {@link Precondition}.
 */
final class EntityTags {
    private EntityTags() {
    }

    /** The ETag header value for content addressed by {@code digest}. */
    static String of(Digest digest) {
        return "\"" + digest + "\"";
    }

    /** The conditions of a PUT. */
    static Precondition precondition(HttpServletRequest request) {
        return new Precondition(parse(request, "If-Match"), parse(request, "If-None-Match"));
    }

    /** True if a GET/HEAD's {@code If-None-Match} names {@code digest} (or {@code *}): answer 304. */
    static boolean notModified(HttpServletRequest request, Digest digest) {
        return parse(request, "If-None-Match").map(tags -> tags.isEmpty() || tags.contains(digest.toString()))
                .orElse(false);
    }

    /**
     * The entity tags of one conditional header: empty when the header is absent, an empty set for
     * {@code *}, else the unquoted tag values (weakness ignored; digests are strong validators anyway).
     */
    static Optional<Set<String>> parse(HttpServletRequest request, String header) {
        List<String> values = Collections.list(request.getHeaders(header));
        if (values.isEmpty()) {
            return Optional.empty();
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                String tag = part.trim();
                if (tag.equals("*")) {
                    return Optional.of(Set.of());
                }
                if (tag.startsWith("W/")) {
                    tag = tag.substring(2);
                }
                if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
                    tag = tag.substring(1, tag.length() - 1);
                }
                if (!tag.isEmpty()) {
                    tags.add(tag);
                }
            }
        }
        // A header with no usable tag matches nothing (it must not read as "*").
        return Optional.of(tags.isEmpty() ? Set.of(NO_TAG) : tags);
    }

    /** A value no digest ever equals. */
    private static final String NO_TAG = "\u0000";
}
