package dev.wharf.servlet;

import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * The client's request body as handed to the engine: the container's stream, with every read failure
 * rethrown as a {@link ClientIOException} so that a client that hangs up mid-upload is told apart from a
 * broken disk. It counts bytes for the error message and remembers that it failed, in case the engine
 * reports the failure without its cause. When given a meter, it tells it of every byte received.
 */
final class RequestBody extends InputStream {
    private final InputStream in;
    /** Told of the bytes as they are read; null for none. */
    private final LongConsumer meter;
    private long bytesRead;
    private volatile boolean failed;
    private boolean ended;

    RequestBody(InputStream in, LongConsumer meter) {
        this.in = in;
        this.meter = meter;
    }

    @Override
    public int read() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                received(1);
            } else {
                ended = true;
            }
            return b;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                received(n);
            } else if (n < 0) {
                ended = true;
            }
            return n;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void received(int n) {
        bytesRead += n;
        if (meter != null) {
            meter.accept(n);
        }
    }

    /**
     * True if the container knows the body has ended and every byte of it has been read; false while more may
     * come, or when the stream cannot tell.
     */
    boolean finished() {
        return in instanceof ServletInputStream servlet && servlet.isFinished();
    }

    /** True once a read has met the body's end. */
    boolean ended() {
        return ended;
    }

    /** True once a read from the client has failed. */
    boolean failed() {
        return failed;
    }

    /** Bytes received so far. */
    long bytesRead() {
        return bytesRead;
    }

    private ClientIOException failure(IOException e) {
        failed = true;
        if (e instanceof ClientIOException already) {
            return already;
        }
        return new ClientIOException(ClientIOException.Direction.READING_REQUEST,
                "request body ended before it was complete, after " + bytesRead + " bytes", e);
    }
}
