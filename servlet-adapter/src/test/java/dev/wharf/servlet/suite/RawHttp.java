package dev.wharf.servlet.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a bare socket, for requests {@code java.net.http} refuses to send: a {@code Content-Length}
 * that disagrees with the bytes sent, or ({@link #sendVerbatim}) a request line or path no client would
 * form. The request is written exactly as given (plus {@code Host} and {@code Connection: close}, except
 * verbatim); the response is read to end of stream.
 */
public final class RawHttp {
    private static final int READ_TIMEOUT_MILLIS = 15_000;

    private RawHttp() {
    }

    /**
     * Sends a request and reads the answer.
     *
     * @param headerLines   {@code "Name: value"} lines, sent as given (include Content-Length yourself)
     * @param halfClose     shut the socket's output after the body, so a server waiting for more body bytes
     *                      sees end of stream instead of waiting for its idle timeout
     * @return the response, or empty if the server closed the connection without answering
     */
    public static Optional<Response> exchange(URI base, String method, String path, List<String> headerLines,
                                              byte[] body, boolean halfClose) {
        return exchangeFrom(null, base, method, path, headerLines, body, halfClose);
    }

    /**
     * As {@link #exchange}, from the local address {@code from} (another loopback address such as 127.0.0.2, so
     * that the server sees another client), or from any address when null.
     */
    public static Optional<Response> exchangeFrom(InetAddress from, URI base, String method, String path,
                                                  List<String> headerLines, byte[] body, boolean halfClose) {
        URI uri = base.resolve(path);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        head.append("Connection: close\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return send(from, uri, method, request, halfClose);
    }

    /**
     * Sends {@code request} byte for byte (request line, headers and body as given, nothing added) to the
     * server of {@code base} and reads the answer, for requests no client would form: a malformed request
     * line, a path with {@code //} or {@code %2F} that a client would normalise, oversized headers.
     *
     * @param method the request's method as the answer should be read ({@code HEAD} answers have no body)
     * @return the response, or empty if the server closed the connection without answering
     */
    public static Optional<Response> sendVerbatim(URI base, String method, String request) {
        return send(null, base, method, request.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    private static Optional<Response> send(InetAddress from, URI uri, String method, byte[] request,
                                           boolean halfClose) {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort(), from, 0)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            byte[] raw = readAll(socket.getInputStream());
            if (raw.length == 0) {
                return Optional.empty();
            }
            return Optional.of(parse(method, uri, raw));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + READ_TIMEOUT_MILLIS + " ms to " + method + " " + uri, e);
        } catch (IOException e) {
            // A reset while reading means the server dropped the exchange: no answer.
            if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                return Optional.empty();
            }
            throw new UncheckedIOException(method + " " + uri, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = in.read(chunk)) != -1; ) {
                buffer.write(chunk, 0, n);
            }
        } catch (IOException e) {
            if (buffer.size() == 0) {
                throw e;
            }
            // The server reset after answering: keep what arrived.
        }
        return buffer.toByteArray();
    }

    private static Response parse(String method, URI uri, byte[] raw) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            throw new AssertionError("incomplete HTTP response: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        boolean chunked = headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding")
                && e.getValue().stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked")));
        byte[] body = "HEAD".equals(method) ? new byte[0] : chunked ? dechunk(rest) : rest;
        return new Response(method, uri, status, headers, body);
    }

    private static byte[] dechunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < data.length) {
            int lineEnd = indexOf(java.util.Arrays.copyOfRange(data, at, data.length),
                    "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (lineEnd < 0) {
                break;
            }
            String sizeLine = new String(data, at, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeLine, 16);
            at += lineEnd + 2;
            if (size == 0) {
                break;
            }
            out.write(data, at, Math.min(size, data.length - at));
            at += size + 2;
        }
        return out.toByteArray();
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
