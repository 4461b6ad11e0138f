package dev.wharf.bench.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One persistent HTTP/1.1 connection to 127.0.0.1 (or another loopback address): requests go out one at a
 * time and the socket is kept for the next. Connects lazily and again after the server closes. A GET or HEAD
 * that fails on a reused connection before any answer arrived is retried once on a fresh one (the server may
 * have closed an idle keep-alive connection); nothing else is retried. Not thread-safe: one per client thread.
 */
public final class HttpConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int IO_BUFFER = 64 * 1024;

    private final String host;
    private final int port;
    private final int readTimeoutMillis;
    private final byte[] scratch = new byte[IO_BUFFER];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int served;

    public HttpConnection(String host, int port, int readTimeoutMillis) {
        this.host = host;
        this.port = port;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** Sends a request and reads its whole response. */
    public Response send(Request request) throws IOException {
        boolean reused = socket != null;
        try {
            return exchange(request);
        } catch (IOException e) {
            closeQuietly();
            if (reused && request.idempotentRead() && e instanceof java.io.EOFException
                    && e.getMessage() != null && e.getMessage().startsWith("connection closed before")) {
                return exchange(request);
            }
            throw e;
        }
    }

    /** The request line and headers as sent to {@code host:port}, ending with the blank line. */
    public static byte[] head(Request request, String host, int port) {
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        head.append("User-Agent: wharf-bench\r\n");
        for (String[] h : request.headers()) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        long length = request.body().map(BodySource::length).orElse(0L);
        if (request.body().isPresent() || !request.idempotentRead()) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private Response exchange(Request request) throws IOException {
        if (socket == null) {
            open();
        }
        out.write(head(request, host, port));
        if (request.body().isPresent()) {
            request.body().get().writeTo(out);
        }
        out.flush();
        ResponseReader.Result result = ResponseReader.read(in, request.method().equals("HEAD"), request.sink(), scratch);
        served++;
        if (!result.keepAlive()) {
            closeQuietly();
        }
        return result.response();
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(readTimeoutMillis);
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            in = new BufferedInputStream(s.getInputStream(), IO_BUFFER);
            out = new BufferedOutputStream(s.getOutputStream(), IO_BUFFER);
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Requests answered on this object so far (over all its sockets). */
    public int served() {
        return served;
    }

    private void closeQuietly() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken socket: nothing to do
            }
            socket = null;
            in = null;
            out = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
