package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseReaderTest {
    private final byte[] scratch = new byte[8];

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldReadBodyByContentLengthAndKeepConnectionWhenHttp11() throws IOException {
        InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDocker-Content-Digest: sha256:x\r\n\r\nhelloNEXT");
        ResponseReader.Result r = ResponseReader.read(in, false, Optional.empty(), scratch);
        assertThat(r.response().status()).isEqualTo(200);
        assertThat(r.response().text()).isEqualTo("hello");
        assertThat(r.response().header("docker-content-digest")).contains("sha256:x");
        assertThat(r.keepAlive()).isTrue();
        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("NEXT");
    }

    @Test
    void shouldDecodeChunkedBodyWhenTransferEncodingIsChunked() throws IOException {
        InputStream in = stream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "a;ext=1\r\n0123456789\r\n3\r\nabc\r\n0\r\nTrailer: x\r\n\r\n");
        ResponseReader.Result r = ResponseReader.read(in, false, Optional.empty(), scratch);
        assertThat(r.response().text()).isEqualTo("0123456789abc");
        assertThat(r.response().bodyLength()).isEqualTo(13);
    }

    @Test
    void shouldReadNoBodyWhenAnsweringHead() throws IOException {
        InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        ResponseReader.Result head = ResponseReader.read(in, true, Optional.empty(), scratch);
        assertThat(head.response().bodyLength()).isZero();
        assertThat(head.response().header("Content-Length")).contains("4096");
        assertThat(ResponseReader.read(in, false, Optional.empty(), scratch).response().status()).isEqualTo(204);
    }

    @Test
    void shouldSkipInterimAnswerWhen100ContinueArrives() throws IOException {
        InputStream in = stream("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        assertThat(ResponseReader.read(in, false, Optional.empty(), scratch).response().status()).isEqualTo(201);
    }

    @Test
    void shouldCloseWhenServerSaysSoOrBodyRunsToEnd() throws IOException {
        ResponseReader.Result close = ResponseReader.read(
                stream("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), false, Optional.empty(), scratch);
        assertThat(close.keepAlive()).isFalse();
        ResponseReader.Result toEnd = ResponseReader.read(stream("HTTP/1.0 200 OK\r\n\r\nall of it"), false,
                Optional.empty(), scratch);
        assertThat(toEnd.keepAlive()).isFalse();
        assertThat(toEnd.response().text()).isEqualTo("all of it");
    }

    @Test
    void shouldStreamToSinkWhenGiven() throws IOException {
        ByteArrayOutputStream sunk = new ByteArrayOutputStream();
        ResponseReader.Result r = ResponseReader.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"
                + "abcdefghijklmnopqrst"), false, Optional.of(sunk::write), scratch);
        assertThat(r.response().body()).isEmpty();
        assertThat(r.response().bodyLength()).isEqualTo(20);
        assertThat(sunk.toString(StandardCharsets.ISO_8859_1)).isEqualTo("abcdefghijklmnopqrst");
    }

    @Test
    void shouldFailWhenBodyIsShorterThanDeclared() {
        assertThatThrownBy(() -> ResponseReader.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
                false, Optional.empty(), scratch)).isInstanceOf(EOFException.class).hasMessageContaining("5 of 10");
    }

    @Test
    void shouldFailWhenStatusLineIsNotHttp() {
        assertThatThrownBy(() -> ResponseReader.read(stream("SSH-2.0-OpenSSH\r\n\r\n"), false, Optional.empty(), scratch))
                .isInstanceOf(IOException.class);
    }
}
