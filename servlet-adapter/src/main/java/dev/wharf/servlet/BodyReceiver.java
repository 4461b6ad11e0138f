package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import dev.wharf.api.UploadSink;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives one upload body with Servlet non-blocking I/O: the container calls back when bytes have arrived,
 * they go straight into the engine's {@link UploadSink}, and no thread waits for the client in between. A slow
 * client therefore holds a connection and one small buffer, not a thread.
 *
 * <p>The body ends in exactly one of three ways: it arrives whole (the sink is finished and the handler's answer
 * written), the client breaks it off (400 {@code SIZE_INVALID}, as on the blocking path), or the watcher cuts it
 * for stalling or crawling (408, see {@link TransferLimits}). In the last two the sink is aborted first, so the
 * upload session is back where it was before this request. Every callback and the cut hold this object's
 * monitor, so they never overlap.
 */
final class BodyReceiver<T> extends Transfers.Transfer implements ReadListener {
    private static final Logger LOG = Logger.getLogger(RegistryServlet.class.getName());
    /**
     * The buffer a body starts with: what arrives is gathered here and handed to the store when it is full (or the
     * body ends), so the store sees few large writes however small the network reads; thousands of slow bodies
     * stay within a few tens of MiB.
     */
    static final int BUFFER_SIZE = 32 * 1024;
    /** The buffer of a fast body: one that filled its first buffer within {@link #FAST_FILL_NANOS}. */
    static final int FAST_BUFFER_SIZE = 256 * 1024;
    /** A client that fills {@link #BUFFER_SIZE} this fast (320 KiB/s or more) is sending a large body quickly. */
    static final long FAST_FILL_NANOS = 100_000_000L;

    /** Writes the answer for a body that arrived whole and was accepted. */
    @FunctionalInterface
    interface Responder<T> {
        void respond(T result) throws IOException;
    }

    private final Exchange exchange;
    private final ErrorWriter errors;
    private final Transfers.Slot slot;
    private final UploadSink<T> sink;
    private final Responder<T> responder;
    private final Consumer<RegistryException> onRefusal;
    private byte[] buffer = new byte[BUFFER_SIZE];
    /** Bytes received into {@link #buffer} and not yet handed to the sink. */
    private int filled;
    /** When the first byte now in {@link #buffer} arrived. */
    private long fillStarted;
    private ServletInputStream in;
    private boolean done;

    private BodyReceiver(Exchange exchange, ErrorWriter errors, Transfers.Slot slot,
                         UploadSink<T> sink, Responder<T> responder, Consumer<RegistryException> onRefusal) {
        this.exchange = exchange;
        this.errors = errors;
        this.slot = slot;
        this.sink = sink;
        this.responder = responder;
        this.onRefusal = onRefusal;
    }

    /**
     * Puts the request in asynchronous mode and receives its body into {@code sink}; returns at once. From here
     * on the receiver owns {@code sink} and {@code slot} and releases both however the body ends.
     *
     * @param onRefusal told of an engine refusal before it is answered, to add headers to the answer
     */
    static <T> void receive(Exchange exchange, ErrorWriter errors, Transfers transfers, Transfers.Slot slot,
                            UploadSink<T> sink, Responder<T> responder, Consumer<RegistryException> onRefusal)
            throws IOException {
        BodyReceiver<T> receiver = new BodyReceiver<>(exchange, errors, slot, sink, responder, onRefusal);
        try {
            receiver.start(transfers);
        } catch (IOException | RuntimeException e) {
            sink.abort();
            slot.close();
            throw e;
        }
    }

    private void start(Transfers transfers) throws IOException {
        exchange.bodyIsNonBlocking();
        synchronized (this) {
            begin(transfers, exchange.request());
            in = exchange.request().getInputStream();
            in.setReadListener(this);
        }
    }

    @Override
    public void onDataAvailable() {
        callStore(this::receiveAvailable);
    }

    /** Reads what has arrived into the sink, until the container has no more for now. */
    private synchronized void receiveAvailable() {
        if (done) {
            return;
        }
        try {
            while (in.isReady()) {
                if (filled == buffer.length) {
                    boolean fast = System.nanoTime() - fillStarted < FAST_FILL_NANOS;
                    handOver();
                    if (fast && buffer.length < FAST_BUFFER_SIZE) {
                        buffer = new byte[FAST_BUFFER_SIZE];
                    }
                }
                int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                if (filled == 0 && n > 0) {
                    fillStarted = System.nanoTime();
                }
                filled += n;
                progressed(n);
                exchange.bodyArrived(n);
            }
        } catch (IOException e) {
            fail(clientBroke(e));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onAllDataRead() {
        callStore(this::finishBody);
    }

    /** The body has ended: finishes the sink (which makes it durable) and answers. */
    private synchronized void finishBody() {
        if (done) {
            return;
        }
        T result;
        try {
            if (bytes() == 0 && exchange.contentLength().orElse(0) > 0) {
                // Ended cleanly before the first byte of a declared body: something in front of the registry read it.
                throw exchange.consumedBody();
            }
            handOver();
            result = sink.finish();
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        try {
            responder.respond(result);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> exchange + ": the answer to an accepted body could not be written");
        }
        end();
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (done) {
            return;
        }
        if (failure instanceof TimeoutException) {
            fail(new RegistryException(ErrorCode.REQUEST_TOO_SLOW, "the request body stalled after " + bytes()
                    + " bytes and the connection timed out"));
        } else {
            fail(failure instanceof IOException io ? clientBroke(io) : failure);
        }
    }

    @Override
    synchronized void cut(String why) {
        if (done) {
            return;
        }
        LOG.log(Level.FINE, () -> exchange + ": request body cut: " + why);
        fail(new RegistryException(ErrorCode.REQUEST_TOO_SLOW, "the request body was too slow and was cut off after "
                + bytes() + " bytes: " + why + "; what the upload had acknowledged before this request is kept"));
    }

    /** Hands the gathered bytes to the sink. */
    private void handOver() {
        if (filled > 0) {
            sink.write(ByteBuffer.wrap(buffer, 0, filled));
            filled = 0;
        }
    }

    private ClientIOException clientBroke(IOException e) {
        return e instanceof ClientIOException client ? client : new ClientIOException(
                ClientIOException.Direction.READING_REQUEST,
                "request body ended before it was complete, after " + bytes() + " bytes", e);
    }

    /** Rolls the body back, answers the failure (the connection closes after it) and ends the request. */
    private void fail(Throwable failure) {
        try {
            sink.abort();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        if (failure instanceof RegistryException refusal) {
            try {
                onRefusal.accept(refusal);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        try {
            errors.handle(exchange, failure);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> exchange + ": the failure could not be answered; closing the connection");
        }
        end();
    }

    private void end() {
        done = true;
        slot.close();
        finish();
    }

    @Override
    public String toString() {
        return "request body of " + exchange;
    }
}
