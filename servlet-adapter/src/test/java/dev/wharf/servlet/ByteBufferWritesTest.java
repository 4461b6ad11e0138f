package dev.wharf.servlet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ByteBufferWritesTest {
    /** An output stream with the Servlet 6.1 method. */
    public static final class BufferSink extends ByteArrayOutputStream {
        public int bufferWrites;

        public void write(ByteBuffer buffer) {
            bufferWrites++;
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            write(chunk, 0, chunk.length);
        }
    }

    @Test
    void shouldCopyThroughByteBuffersWhenTheStreamCanWriteThem() throws Exception {
        byte[] data = new byte[1_000_000];
        new Random(3).nextBytes(data);
        BufferSink sink = new BufferSink();
        assertThat(ByteBufferWrites.copy(Channels.newChannel(new java.io.ByteArrayInputStream(data)), sink)).isTrue();
        assertThat(sink.toByteArray()).isEqualTo(data);
        assertThat(sink.bufferWrites).isGreaterThanOrEqualTo(4);
    }

    @Test
    void shouldDeclineWhenTheStreamHasNoByteBufferWrite() throws Exception {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        assertThat(ByteBufferWrites.copy(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[10])), plain))
                .isFalse();
        assertThat(plain.size()).isZero();
    }
}
