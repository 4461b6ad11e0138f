package dev.wharf.servlet;

import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code Warning} headers as the distribution spec allows them: {@code 299 - "<text>"}, no date, at most
 * {@value #MAX_BYTES} bytes of warnings per response. Text is reduced to printable ASCII with quotes and
 * backslashes escaped, so that nothing a message holds can break the header.
 */
final class Warnings {
    static final int MAX_BYTES = 4096;

    private Warnings() {
    }

    static void add(HttpServletResponse response, List<String> warnings) {
        int budget = MAX_BYTES;
        for (String warning : warnings) {
            String value = "299 - \"" + quoted(warning) + "\"";
            int size = value.getBytes(StandardCharsets.US_ASCII).length;
            if (size > budget) {
                return;
            }
            budget -= size;
            response.addHeader("Warning", value);
        }
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 1024));
        for (int i = 0; i < text.length() && out.length() < 1000; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(' ');
            }
        }
        return out.toString();
    }
}
