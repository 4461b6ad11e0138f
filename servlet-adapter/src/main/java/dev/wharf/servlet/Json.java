package dev.wharf.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;

/**
 * The adapter's one JSON policy: responses are built as ordered maps and lists (so every document's shape
 * is visible where it is built) and written by one shared, thread-safe {@link ObjectMapper}.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The UTF-8 JSON encoding of {@code document} (maps, lists, strings, numbers, booleans). */
    static byte[] bytes(Object document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise response document", e);
        }
    }
}
