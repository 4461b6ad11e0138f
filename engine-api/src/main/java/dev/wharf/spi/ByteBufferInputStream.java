package dev.wharf.spi;

import java.io.InputStream;
import java.nio.ByteBuffer;

/** Reads a {@link ByteBuffer} from its position to its limit, consuming it; for {@link StagedBlob#writer()}. */
final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer bytes;

    ByteBufferInputStream(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        return bytes.hasRemaining() ? bytes.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (!bytes.hasRemaining()) {
            return -1;
        }
        int n = Math.min(length, bytes.remaining());
        bytes.get(buffer, offset, n);
        return n;
    }

    @Override
    public int available() {
        return bytes.remaining();
    }
}
