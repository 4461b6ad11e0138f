package dev.wharf.servlet;

import dev.wharf.api.BlobContent;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.io.InputStream;
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

    private final Exchange exchange;
    private final BlobContent content;
    private final InputStream in;
    private final byte[] buffer;
    private long remaining;
    private ServletOutputStream out;
    private boolean done;

    private BlobSender(Exchange exchange, BlobContent content, InputStream in) {
        this.exchange = exchange;
        this.content = content;
        this.in = in;
        this.remaining = content.length();
        this.buffer = new byte[(int) Math.min(BUFFER_SIZE, Math.max(1, content.length()))];
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
            sender.out.setWriteListener(sender);
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
                if (remaining == 0) {
                    end();
                    return;
                }
                int n;
                try {
                    n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                } catch (IOException e) {
                    LOG.log(Level.SEVERE, e, () -> exchange + ": reading the blob failed with " + remaining
                            + " bytes unsent; closing the connection");
                    end();
                    return;
                }
                if (n <= 0) {
                    LOG.severe(() -> exchange + ": the stored blob ended with " + remaining + " bytes unsent");
                    end();
                    return;
                }
                out.write(buffer, 0, n);
                remaining -= n;
                progressed(n);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> exchange + ": client stopped reading");
            end();
        }
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!done) {
            LOG.log(Level.FINE, failure, () -> exchange + ": sending the blob failed");
            end();
        }
    }

    @Override
    synchronized void cut(String why) {
        if (!done) {
            LOG.log(Level.FINE, () -> exchange + ": response cut with " + remaining + " bytes unsent: " + why);
            end();
        }
    }

    private void end() {
        done = true;
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

    @Override
    public String toString() {
        return "response body of " + exchange;
    }
}
