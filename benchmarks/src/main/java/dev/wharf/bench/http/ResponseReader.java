package dev.wharf.bench.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one HTTP/1.1 response from a keep-alive stream: status line, headers, and a body framed by
 * {@code Content-Length}, {@code Transfer-Encoding: chunked} or (with {@code Connection: close}) the end of
 * the stream. HEAD, 1xx, 204 and 304 answers have no body whatever their headers say.
 */
public final class ResponseReader {
    /** Bodies collected into memory are refused beyond this size; larger ones need a {@link BodySink}. */
    static final int MAX_COLLECTED = 16 * 1024 * 1024;
    private static final int MAX_LINE = 64 * 1024;

    private ResponseReader() {
    }

    /**
     * The response and whether the connection may carry another request.
     *
     * @param response  the response read
     * @param keepAlive false when the server asked to close, or the body ran to the end of the stream
     */
    public record Result(Response response, boolean keepAlive) {
    }

    /**
     * Reads one response from {@code in}; {@code head} when it answers a HEAD request (no body follows), the
     * body to {@code sink} or collected, {@code scratch} a copy buffer. Blocks as long as {@code in} does.
     */
    public static Result read(InputStream in, boolean head, Optional<BodySink> sink, byte[] scratch) throws IOException {
        String statusLine = line(in);
        while (statusLine.isEmpty()) {
            statusLine = line(in); // tolerate a stray CRLF between responses
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + h);
            }
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        if (status >= 100 && status < 200) {
            return read(in, head, sink, scratch); // an interim answer; the real one follows
        }
        boolean close = first(headers, "connection").map(v -> v.equalsIgnoreCase("close")).orElse(false)
                || parts[0].equals("HTTP/1.0");
        BodyCollector body = new BodyCollector(sink);
        boolean noBody = head || status == 204 || status == 304;
        if (!noBody) {
            Optional<String> encoding = first(headers, "transfer-encoding");
            Optional<String> length = first(headers, "content-length");
            if (encoding.isPresent() && encoding.get().toLowerCase(Locale.ROOT).contains("chunked")) {
                readChunked(in, body, scratch);
            } else if (length.isPresent()) {
                copy(in, Long.parseLong(length.get()), body, scratch);
            } else {
                copyToEnd(in, body, scratch);
                close = true;
            }
        }
        return new Result(new Response(status, headers, body.bytes(), body.count), !close);
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    private static void readChunked(InputStream in, BodyCollector body, byte[] scratch) throws IOException {
        while (true) {
            String sizeLine = line(in);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers: ignored
                }
                return;
            }
            copy(in, size, body, scratch);
            if (!line(in).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private static void copy(InputStream in, long length, BodyCollector body, byte[] scratch) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new EOFException("body ended after " + (length - left) + " of " + length + " bytes");
            }
            body.accept(scratch, n);
            left -= n;
        }
    }

    private static void copyToEnd(InputStream in, BodyCollector body, byte[] scratch) throws IOException {
        int n;
        while ((n = in.read(scratch)) >= 0) {
            body.accept(scratch, n);
        }
    }

    /** One CRLF- (or LF-) terminated line, without the terminator; ISO-8859-1 as HTTP headers are. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("header line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) c);
        }
        throw new EOFException(sb.length() == 0 ? "connection closed before a response" : "connection closed mid-line");
    }

    /** Collects into memory (bounded) or forwards to a sink. */
    private static final class BodyCollector {
        private final Optional<BodySink> sink;
        private final ByteArrayOutputStream collected = new ByteArrayOutputStream();
        long count;

        BodyCollector(Optional<BodySink> sink) {
            this.sink = sink;
        }

        void accept(byte[] b, int n) throws IOException {
            count += n;
            if (sink.isPresent()) {
                sink.get().accept(b, 0, n);
            } else if (collected.size() + n > MAX_COLLECTED) {
                throw new IOException("response body over " + MAX_COLLECTED + " bytes and no sink given");
            } else {
                collected.write(b, 0, n);
            }
        }

        byte[] bytes() {
            return collected.toByteArray();
        }

        @Override
        public String toString() {
            return new String(collected.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
