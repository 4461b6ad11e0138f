package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.servlet.auth.Authenticator;
import dev.wharf.servlet.limit.Rate;
import dev.wharf.servlet.limit.RateLimits;
import dev.wharf.servlet.limit.TokenBucketLimiter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An error answered before the request body was read: with a modest body the connection stays usable for
 * the client's next request (Wharf reads the rest first; Jetty alone also manages in this case, other
 * containers may not), and with a body too large to read away the answer says {@code Connection: close}
 * instead of the connection dropping unannounced under a client that would reuse it.
 */
class ConnectionReuseHttpTest {

    @Test
    void shouldServeNextRequestOnConnectionWhenErrorCameBeforeBodyWasRead() throws Exception {
        try (JettyRegistryServer server = JettyRegistryServer.start(Registry.builder().build());
             Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int length = 64 * 1024;
            // A single-request push with a malformed digest: refused before its body is looked at.
            out.write(("POST /v2/reuse/app/blobs/uploads/?digest=sha256:nothex HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[1000]);
            out.flush();
            Thread.sleep(200); // the rest of the body arrives after the server has decided
            out.write(new byte[length - 1000]);
            out.flush();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 400").contains("DIGEST_INVALID")
                    .doesNotContainIgnoringCase("connection: close");

            out.write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void shouldServeNextRequestWhenAChunkedBodyArrivesAfterTheErrorWasDecided() throws Exception {
        try (JettyRegistryServer server = JettyRegistryServer.start(Registry.builder().build());
             Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/reuse/app/blobs/uploads/?digest=sha256:nothex HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(200); // the body arrives after the server has decided
            writeLastChunk(out, 3000);
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 400").contains("DIGEST_INVALID")
                    .doesNotContainIgnoringCase("connection: close");

            out.write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void shouldAnswerAClientRefusedForTooManyWhileItsChunkedBodyIsStillOnItsWay() throws Exception {
        Registry registry = Registry.builder().build();
        RegistryServlet servlet = new RegistryServlet(registry, TransferLimits.defaults(), Authenticator.container(),
                TokenBucketLimiter.of(RateLimits.none().withWrites(Rate.perMinute(1)), System::nanoTime));
        try (JettyRegistryServer server = JettyRegistryServer.start(registry, null, servlet);
             Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /v2/reuse/app/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String started = readResponse(socket.getInputStream());
            assertThat(started).startsWith("HTTP/1.1 202");
            String location = started.lines().filter(l -> l.regionMatches(true, 0, "Location:", 0, 9))
                    .findFirst().orElseThrow().substring(9).trim();
            // the only write of the minute is spent: the PATCH is refused before its body is read
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(200);
            writeLastChunk(out, 500); // would meet a closed connection, and reset it, if the server had not waited
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 429").contains("TOOMANYREQUESTS");

            out.write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    /** Writes one chunk of {@code size} zero bytes and the last chunk that ends a chunked body. */
    private static void writeLastChunk(OutputStream out, int size) throws IOException {
        out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(new byte[size]);
        out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void shouldSayConnectionCloseWhenUnreadBodyIsTooLargeToDrain() throws Exception {
        try (JettyRegistryServer server = JettyRegistryServer.start(Registry.builder().build());
             Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            long length = ErrorWriter.DRAIN_LIMIT * 4;
            out.write(("POST /v2/reuse/app/blobs/uploads/?digest=sha256:nothex HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = new Thread(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    for (long sent = 0; sent < length; sent += chunk.length) {
                        out.write(chunk);
                    }
                    out.flush();
                } catch (IOException closedByServer) {
                    // expected once the server has answered and closed
                }
            });
            writer.start();
            String first = readResponse(socket.getInputStream());
            assertThat(first).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
            socket.close();
            writer.join(10_000);
        }
    }

    /** Reads one response with a Content-Length body; returns head and body as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
