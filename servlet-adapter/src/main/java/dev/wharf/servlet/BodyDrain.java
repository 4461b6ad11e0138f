package dev.wharf.servlet;

import jakarta.servlet.AsyncContext;
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
    private final Transfers transfers;
    private final long budget;
    private final byte[] sink = new byte[8192];
    private AsyncContext async;
    private ServletInputStream in;
    private boolean done;

    private BodyDrain(Exchange exchange, Transfers transfers, long budget) {
        this.exchange = exchange;
        this.transfers = transfers;
        this.budget = budget;
    }

    /** Drains the body of {@code exchange}, whose answer is written, at most {@code budget} bytes, then completes it. */
    static void start(Exchange exchange, Transfers transfers, long budget) throws IOException {
        exchange.bodyIsNonBlocking();
        BodyDrain drain = new BodyDrain(exchange, transfers, budget);
        synchronized (drain) {
            drain.async = exchange.request().startAsync();
            drain.async.setTimeout(0);
            drain.in = exchange.request().getInputStream();
            transfers.watch(drain);
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
        finish(transfers, async);
    }

    @Override
    public String toString() {
        return "unneeded request body of " + exchange;
    }
}
