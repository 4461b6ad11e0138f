package dev.wharf.bench.slow;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseHeadTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldFindTheHeadAcrossReadsOfOneByteAndLeaveTheBodyToTheCaller() throws IOException {
        byte[] wire = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDocker-Content-Digest: sha256:ab\r\n\r\nhello");
        int headLength = wire.length - 5;
        ResponseHead head = new ResponseHead();
        int used = 0;
        for (int i = 0; i < wire.length && !head.complete(); i++) {
            used += head.append(wire, i, 1);
        }
        assertThat(head.complete()).isTrue();
        assertThat(used).isEqualTo(headLength);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.contentLength()).hasValue(5);
        assertThat(head.header("docker-content-digest")).contains("sha256:ab");
    }

    @Test
    void shouldSayHowManyBytesOfOneReadWereHead() throws IOException {
        byte[] wire = bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}");
        ResponseHead head = new ResponseHead();
        assertThat(head.append(wire, 0, 10)).isEqualTo(10);
        assertThat(head.complete()).isFalse();
        assertThat(head.append(wire, 10, wire.length - 10)).isEqualTo(wire.length - 10 - 2);
        assertThat(head.status()).isEqualTo(503);
    }

    @Test
    void shouldSkipInterimAnswersAndParseTheFinalOne() throws IOException {
        byte[] wire = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nLocation: /v2/r/blobs/uploads/u\r\n\r\nX");
        ResponseHead head = new ResponseHead();
        assertThat(head.append(wire, 0, wire.length)).isEqualTo(wire.length - 1);
        assertThat(head.status()).isEqualTo(202);
        assertThat(head.header("Location")).contains("/v2/r/blobs/uploads/u");
        assertThat(head.contentLength()).isEmpty();
    }

    @Test
    void shouldStartOverWhenReset() throws IOException {
        ResponseHead head = new ResponseHead();
        byte[] first = bytes("HTTP/1.1 200 OK\r\n\r\n");
        head.append(first, 0, first.length);
        assertThatThrownBy(() -> head.append(first, 0, 1)).isInstanceOf(IllegalStateException.class);
        head.reset();
        assertThat(head.complete()).isFalse();
        assertThatThrownBy(head::status).isInstanceOf(IllegalStateException.class);
        byte[] second = bytes("HTTP/1.0 404 Not Found\r\nX: 1\r\n\r\n");
        head.append(second, 0, second.length);
        assertThat(head.status()).isEqualTo(404);
    }

    @Test
    void shouldRefuseWhatIsNotAnHttpHeadOrTooLong() {
        byte[] notHttp = bytes("SSH-2.0-OpenSSH\r\n\r\n");
        assertThatThrownBy(() -> new ResponseHead().append(notHttp, 0, notHttp.length)).isInstanceOf(IOException.class);
        byte[] badHeader = bytes("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
        assertThatThrownBy(() -> new ResponseHead().append(badHeader, 0, badHeader.length)).isInstanceOf(IOException.class);
        byte[] endless = new byte[ResponseHead.MAX_HEAD + 1];
        java.util.Arrays.fill(endless, (byte) 'a');
        assertThatThrownBy(() -> new ResponseHead().append(endless, 0, endless.length))
                .isInstanceOf(IOException.class).hasMessageContaining("longer than");
    }
}
