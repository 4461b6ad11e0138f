package dev.wharf.servlet;

import dev.wharf.api.BlobContent;
import dev.wharf.spi.MappedBlobStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one blob body with Servlet non-blocking I/O: bytes are read from the store and written only while the
 * container says the client can take more, so a client that reads slowly holds a connection and one buffer,
 * not a thread.
 *
 * <p>The headers (status, {@code Content-Length}, {@code Content-Range}) are set before it starts. A client
 * that stops reading is cut by the watcher ({@link TransferLimits}); a store that fails mid-body is logged.
 * Either way the request is completed short of its {@code Content-Length}, which makes the container close the
 * connection, so the client cannot take a truncated body for a whole one. Every callback and the cut hold this
 * object's monitor.
 */
final class BlobSender extends Transfers.Transfer implements WriteListener {
    private static final Logger LOG = Logger.getLogger(RegistryServlet.class.getName());
    static final int BUFFER_SIZE = 64 * 1024;
    /** Bytes mapped at a time from a {@link MappedBlobStream}. */
    static final int WINDOW_SIZE = 1024 * 1024;
    /**
     * Bytes of a window handed to the container at a time, unless the client has shown it is fast: progress
     * counts when a write is handed over, so a client is judged against the transfer limits' minimum rate in steps
     * no larger than a pooled buffer's, and a container that copies what a slow client has not taken (Tomcat)
     * copies no more than that.
     */
    static final int SLICE_SIZE = 256 * 1024;
    /**
     * A client that took its last slice within this time, once more than {@link #GROW_AFTER} bytes have gone (so
     * that the socket buffers, which take the first megabytes at once from any client, are full), is handed the
     * rest of each window at once: fewer, larger writes pull faster (1 GiB with curl: 1 MiB writes 2,500-3,600
     * MiB/s, 256 KiB writes 1,700-2,900).
     */
    private static final long FAST_SLICE_NANOS = 10_000_000;
    private static final long GROW_AFTER = 16L * 1024 * 1024;

    private final Exchange exchange;
    private final BlobContent content;
    private final InputStream in;
    /** The heap buffer, when the sender has no direct one. */
    private byte[] buffer;
    /** The pooled direct buffer and the container's {@code write(ByteBuffer)}, when both are to be had. */
    private ByteBuffer direct;
    private MethodHandle directWrite;
    /**
     * The store's stream as mapped windows, the window being sent (as {@link MappedBlobStream#mapNext} returned
     * it, the buffer to unmap) and the slice of it written last, when the sender maps instead.
     */
    private MappedBlobStream mapped;
    private ByteBuffer window;
    private ByteBuffer slice;
    /** When the last slice was handed to the container. */
    private long sliceHandedAt;
    private long remaining;
    private ServletOutputStream out;
    private boolean done;

    private BlobSender(Exchange exchange, BlobContent content, InputStream in) {
        this.exchange = exchange;
        this.content = content;
        this.in = in;
        this.remaining = content.length();
    }

    /**
     * Puts the request in asynchronous mode and sends {@code content} from {@code in}; returns at once. The
     * sender owns both from here on and closes them when the body ends.
     */
    static void send(Exchange exchange, Transfers transfers, BlobContent content, InputStream in) throws IOException {
        BlobSender sender = new BlobSender(exchange, content, in);
        synchronized (sender) {
            sender.begin(transfers, exchange.request());
            sender.out = exchange.response().getOutputStream();
            sender.chooseBuffer();
            try {
                sender.out.setWriteListener(sender);
            } catch (RuntimeException e) {
                sender.releaseBuffer(true); // no write ever used it
                throw e;
            }
        }
    }

    /**
     * Mapped windows of the file when the store's stream is a {@link MappedBlobStream} and the container writes
     * {@link ByteBuffer}s: the socket write then copies the bytes from the page cache itself. Else a direct buffer
     * when the stream is a channel: the bytes then go from the file to that buffer to the socket, instead of
     * through a heap array and the container's own buffers (two copies less). Both only on containers where that
     * is safe ({@link ByteBufferWrites#nonBlockingWriter}), and only while fewer than
     * {@link ByteBufferWrites#HELD_LIMIT} senders hold a window or a buffer: otherwise a heap array.
     */
    private void chooseBuffer() {
        Optional<MethodHandle> write = in instanceof ReadableByteChannel || in instanceof MappedBlobStream
                ? ByteBufferWrites.nonBlockingWriter(out) : Optional.empty();
        if (write.isPresent()) {
            if (in instanceof MappedBlobStream windows && ByteBufferWrites.holdWindow()) {
                mapped = windows;
            } else if (in instanceof ReadableByteChannel) {
                direct = ByteBufferWrites.takeHeld();
            }
            directWrite = mapped != null || direct != null ? write.get() : null;
        }
        if (direct == null && mapped == null) {
            buffer = heapBuffer(content.length());
        }
    }

    @Override
    public void onWritePossible() {
        callStore(this::sendWhileReady);
    }

    /** Reads from the store and writes, as long as the client can take more. */
    private synchronized void sendWhileReady() {
        if (done) {
            return;
        }
        try {
            while (out.isReady()) {
                // Ready: the container holds none of our buffer, so it may be refilled or given back.
                if (remaining == 0) {
                    end(true);
                    return;
                }
                int n;
                try {
                    n = mapped != null ? nextSlice() : direct != null ? readDirect() : readHeap();
                } catch (IOException e) {
                    LOG.log(Level.SEVERE, e, () -> exchange + ": reading the blob failed with " + remaining
                            + " bytes unsent; closing the connection");
                    end(true);
                    return;
                }
                if (n <= 0) {
                    LOG.severe(() -> exchange + ": the stored blob ended with " + remaining + " bytes unsent");
                    end(true);
                    return;
                }
                if (directWrite != null) {
                    ByteBufferWrites.write(directWrite, out, mapped != null ? slice : direct);
                } else {
                    out.write(buffer, 0, n);
                }
                remaining -= n;
                progressed(n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> exchange + ": client stopped reading");
            end(false);
        }
    }

    /**
     * The next slice of the window into {@link #slice}, mapping the next window (and unmapping the one sent) when
     * this one is all sent; its length, 0 at the end. Where the store cannot map the next window, the sender reads
     * the rest instead, from the same position.
     */
    private int nextSlice() throws IOException {
        if (window == null || !window.hasRemaining()) {
            if (window != null) {
                slice = null;
                mapped.unmap(window);
                window = null;
            }
            try {
                window = mapped.mapNext((int) Math.min(WINDOW_SIZE, remaining));
            } catch (IOException e) {
                LOG.log(Level.FINE, e, () -> exchange + ": mapping the blob failed; reading it instead");
                return readInstead();
            }
            if (window == null) {
                return 0;
            }
        }
        long now = System.nanoTime();
        boolean fast = content.length() - remaining > GROW_AFTER && now - sliceHandedAt < FAST_SLICE_NANOS;
        sliceHandedAt = now;
        int n = fast ? window.remaining() : Math.min(SLICE_SIZE, window.remaining());
        slice = window.slice(window.position(), n);
        window.position(window.position() + n);
        return n;
    }

    /** Leaves mapping for a pooled direct buffer, or a heap array, keeping or ending the place it held; reads. */
    private int readInstead() throws IOException {
        mapped = null;
        if (in instanceof ReadableByteChannel) {
            direct = ByteBufferWrites.take(); // in the place the windows held
            return readDirect();
        }
        ByteBufferWrites.dropHeld();
        directWrite = null;
        buffer = heapBuffer(remaining);
        return readHeap();
    }

    /** A heap buffer for a body of {@code length} bytes still to send. */
    private static byte[] heapBuffer(long length) {
        return new byte[(int) Math.min(BUFFER_SIZE, Math.max(1, length))];
    }

    /** Fills the heap buffer with up to {@code remaining} bytes; the count read. */
    private int readHeap() throws IOException {
        return in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
    }

    /** Fills the direct buffer with up to {@code remaining} bytes and flips it; the count read, 0 at the end. */
    private int readDirect() throws IOException {
        direct.clear();
        if (remaining < direct.capacity()) {
            direct.limit((int) remaining);
        }
        ReadableByteChannel channel = (ReadableByteChannel) in;
        int total = 0;
        while (direct.hasRemaining()) {
            int n = channel.read(direct);
            if (n < 0) {
                break;
            }
            total += n;
        }
        direct.flip();
        return total;
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!done) {
            LOG.log(Level.FINE, failure, () -> exchange + ": sending the blob failed");
            end(false);
        }
    }

    @Override
    synchronized void cut(String why) {
        if (!done) {
            LOG.log(Level.FINE, () -> exchange + ": response cut with " + remaining + " bytes unsent: " + why);
            end(false);
        }
    }

    /**
     * Ends the body. {@code bufferFree} says the container holds no reference to the direct buffer or the mapped
     * window (no write is pending); only then does the buffer go back to the pool, or the window get unmapped. A
     * buffer a pending write may still read from is left to the garbage collector: pooled, another pull could
     * refill it while this connection sends it. So is such a window: unmapped, the write could crash the JVM.
     */
    private void end(boolean bufferFree) {
        done = true;
        releaseBuffer(bufferFree);
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, e, () -> exchange + ": closing the blob stream failed");
        }
        try {
            content.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> exchange + ": closing the blob failed");
        }
        finish();
    }

    /**
     * Gives the direct buffer back to the pool if {@code free}, or only its place in the limit if not; unmaps the
     * window if {@code free}, or leaves it to the garbage collector if not.
     */
    private void releaseBuffer(boolean free) {
        if (mapped != null) {
            if (window != null && free) {
                mapped.unmap(window);
            }
            window = null;
            slice = null;
            mapped = null;
            ByteBufferWrites.dropHeld();
        }
        if (direct != null) {
            if (free) {
                ByteBufferWrites.giveHeld(direct);
            } else {
                ByteBufferWrites.dropHeld();
            }
            direct = null;
        }
    }

    @Override
    public String toString() {
        return "response body of " + exchange;
    }
}
