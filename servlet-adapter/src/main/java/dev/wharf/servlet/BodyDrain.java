package dev.wharf.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads away, with non-blocking I/O, the body of a request that was answered before its body was needed (a
 * malformed digest, an unknown session), so the connection can carry the client's next request without a
 * thread waiting for a client that may be slow. The answer has been written before and goes out when the request
 * completes: when the body has ended, or, if it runs past its budget or stalls, with the connection closed after
 * it. (It is not flushed first: Tomcat closes a connection whose answer was committed before its body was read.)
 */
final class BodyDrain extends Transfers.Transfer implements ReadListener {
    private static final Logger LOG = Logger.getLogger(RegistryServlet.class.getName());

    private final Exchange exchange;
    private final long budget;
    private final byte[] sink = new byte[8192];
    private ServletInputStream in;
    private boolean done;

    private BodyDrain(Exchange exchange, long budget) {
        this.exchange = exchange;
        this.budget = budget;
    }

    /** Drains the body of {@code exchange}, whose answer is written, at most {@code budget} bytes, then completes it. */
    static void start(Exchange exchange, Transfers transfers, long budget) throws IOException {
        exchange.bodyIsNonBlocking();
        BodyDrain drain = new BodyDrain(exchange, budget);
        synchronized (drain) {
            drain.begin(transfers, exchange.request());
            drain.in = exchange.request().getInputStream();
            drain.in.setReadListener(drain);
        }
    }

    @Override
    public synchronized void onDataAvailable() {
        if (done) {
            return;
        }
        try {
            while (in.isReady()) {
                int n = in.read(sink);
                if (n < 0) {
                    return;
                }
                progressed(n);
                if (bytes() > budget) {
                    end();
                    return;
                }
            }
        } catch (IOException e) {
            end();
        }
    }

    @Override
    public synchronized void onAllDataRead() {
        if (!done) {
            end();
        }
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!done) {
            LOG.log(Level.FINE, failure, () -> exchange + ": draining the unneeded body failed");
            end();
        }
    }

    @Override
    synchronized void cut(String why) {
        if (!done) {
            end();
        }
    }

    private void end() {
        done = true;
        finish();
    }

    @Override
    public String toString() {
        return "unneeded request body of " + exchange;
    }
}
