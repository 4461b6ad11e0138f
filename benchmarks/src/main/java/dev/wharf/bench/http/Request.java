package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP/1.1 request: method, origin-form target ({@code /v2/...?query}), extra headers, an optional body
 * and an optional sink for the response body (without one, bodies up to {@link ResponseReader#MAX_COLLECTED}
 * bytes are collected into {@link Response#body()}).
 *
 * @param method  GET, HEAD, POST, PUT, PATCH, DELETE
 * @param target  path and query, starting with {@code /}
 * @param headers name/value pairs, sent in order
 * @param body    the body, if any ({@code Content-Length} is sent for it)
 * @param sink    where the response body goes, if not collected
 */
public record Request(String method, String target, List<String[]> headers, Optional<BodySource> body,
                      Optional<BodySink> sink) {
    public Request {
        Objects.requireNonNull(method, "method");
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("target must be origin-form, was " + target);
        }
        headers = List.copyOf(headers);
    }

    public static Request of(String method, String target) {
        return new Request(method, target, List.of(), Optional.empty(), Optional.empty());
    }

    /** This request plus one header. */
    public Request header(String name, String value) {
        List<String[]> more = new ArrayList<>(headers);
        more.add(new String[] {name, value});
        return new Request(method, target, more, body, sink);
    }

    /** This request with a body. */
    public Request body(BodySource source) {
        return new Request(method, target, headers, Optional.of(source), sink);
    }

    /** This request with a byte-array body. */
    public Request body(byte[] bytes) {
        return body(BodySource.of(bytes));
    }

    /** This request, its response body streamed to {@code to}. */
    public Request sink(BodySink to) {
        return new Request(method, target, headers, body, Optional.of(to));
    }

    /** True for methods a retry on a fresh connection cannot harm. */
    boolean idempotentRead() {
        return method.equals("GET") || method.equals("HEAD");
    }
}
