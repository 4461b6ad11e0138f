package dev.wharf.servlet;

import dev.wharf.api.Registry;
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
