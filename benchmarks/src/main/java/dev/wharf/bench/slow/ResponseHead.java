package dev.wharf.bench.slow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The head of one HTTP/1.x response (status line and headers) as it arrives a few bytes at a time on a
 * non-blocking socket. {@link #append} takes what was read and says how many of those bytes were head; once
 * the blank line has arrived the status and headers are known and the rest of the read is the body's start.
 * Interim answers (1xx) are skipped. Starts small and grows to at most {@value #MAX_HEAD} bytes, so a
 * thousand idle connections cost little. Not thread-safe.
 */
final class ResponseHead {
    static final int MAX_HEAD = 16 * 1024;
    private static final int INITIAL = 512;

    private byte[] bytes = new byte[INITIAL];
    private int filled;
    private int status = -1;
    private Map<String, String> headers = Map.of();

    /**
     * Takes {@code length} received bytes; returns how many of them belong to the head (all of them while it
     * is incomplete, fewer once the blank line is among them).
     *
     * @throws IOException when the head is not HTTP or longer than {@value #MAX_HEAD} bytes
     */
    int append(byte[] buffer, int offset, int length) throws IOException {
        if (complete()) {
            throw new IllegalStateException("the head is complete; reset() before the next response");
        }
        int used = 0;
        while (used < length) {
            int searchFrom = Math.max(0, filled - 3);
            int n = Math.min(length - used, MAX_HEAD - filled);
            if (n == 0) {
                throw new IOException("response head longer than " + MAX_HEAD + " bytes");
            }
            if (filled + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(MAX_HEAD, Math.max(bytes.length * 2, filled + n)));
            }
            System.arraycopy(buffer, offset + used, bytes, filled, n);
            filled += n;
            int end = blankLine(searchFrom);
            if (end < 0) {
                used += n;
                continue;
            }
            int headBytesInThisRead = n - (filled - end);
            used += headBytesInThisRead;
            parse(end);
            if (status >= 100 && status < 200) {
                reset(); // an interim answer: the real one follows
                continue;
            }
            return used;
        }
        return used;
    }

    /** Whether the blank line after the headers has arrived. */
    boolean complete() {
        return status >= 200;
    }

    /** The status code; only once {@link #complete()}. */
    int status() {
        requireComplete();
        return status;
    }

    /** The first value of a header, by case-insensitive name; only once {@link #complete()}. */
    Optional<String> header(String name) {
        requireComplete();
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** {@code Content-Length}, when present. */
    OptionalLong contentLength() throws IOException {
        Optional<String> v = header("Content-Length");
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get().trim()));
        } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length: " + v.get());
        }
    }

    /** Forgets this head, for the next response on the connection. */
    void reset() {
        filled = 0;
        status = -1;
        headers = Map.of();
        if (bytes.length > INITIAL) {
            bytes = new byte[INITIAL];
        }
    }

    private void requireComplete() {
        if (!complete()) {
            throw new IllegalStateException("the response head has not arrived yet");
        }
    }

    /** The index just past CRLF CRLF, searching from {@code from}; -1 when not there yet. */
    private int blankLine(int from) {
        for (int i = from; i + 3 < filled; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private void parse(int end) throws IOException {
        String[] lines = new String(bytes, 0, end - 4, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + lines[0]);
        }
        int code;
        try {
            code = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not a status code: " + lines[0]);
        }
        Map<String, String> parsed = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + lines[i]);
            }
            parsed.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        // The bytes after the head are the caller's; drop them from this buffer.
        filled = end;
        status = code;
        headers = parsed;
    }
}
