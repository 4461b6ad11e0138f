package dev.wharf.bench.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP response as the harness sees it.
 *
 * @param status     the status code
 * @param headers    header values by lower-case name, in arrival order
 * @param body       the body when it was collected (empty when it went to a {@link BodySink} or there was none)
 * @param bodyLength the number of body bytes received
 */
public record Response(int status, Map<String, List<String>> headers, byte[] body, long bodyLength) {
    public Response {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header (name case-insensitive). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The collected body as UTF-8. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A short description for failure messages: status plus the start of the body. */
    public String describe() {
        String text = text();
        return status + (text.isEmpty() ? "" : " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
    }
}
