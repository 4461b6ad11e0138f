package dev.wharf.core.storage;

import dev.wharf.spi.MappedBlobStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * A byte range of a file, readable as an {@link InputStream}, without an intermediate heap copy as a
 * {@link ReadableByteChannel} into a caller's (direct) buffer, or mapped a window at a time
 * ({@link MappedBlobStream}). Owns and closes the file channel.
 */
final class FileRangeStream extends InputStream implements ReadableByteChannel, MappedBlobStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    FileRangeStream(FileChannel channel, long offset, long length) {
        this.channel = channel;
        this.position = offset;
        this.end = offset + length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= end) {
            return -1;
        }
        int room = dst.remaining();
        if (room > end - position) {
            dst.limit(dst.position() + (int) (end - position));
        }
        int n = channel.read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public ByteBuffer mapNext(int maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is not positive");
        }
        if (position >= end) {
            return null;
        }
        int n = (int) Math.min(maxBytes, end - position);
        ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, position, n);
        position += n;
        return mapped;
    }

    @Override
    public void unmap(ByteBuffer mapped) {
        Unmapper.unmap(mapped);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
