package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place a failure becomes a response (spec "Error Codes"):
 * <pre>{@code {"errors": [{"code": "BLOB_UNKNOWN", "message": "...", "detail": {...}}]}}</pre>
 * with {@code Content-Type: application/json} and the status of {@link RegistryException#httpStatus()}.
 * {@code detail} is present only when the engine gave one. HEAD responses get status and headers only.
 *
 * <p>Classification, in order:
 * <ol>
 *   <li>a {@link RegistryException} is the client's fault and is reported as it is;</li>
 *   <li>a {@link ClientIOException} anywhere in the cause chain means the client broke the connection:
 *       while sending its body, that is 400 SIZE_INVALID (the engine has rolled the session back) unless the
 *       container has already answered it on its own (Tomcat does: a plain 400); while receiving ours,
 *       there is no one left to answer;</li>
 *   <li>anything else is a server fault: logged, answered 500 {@code UNKNOWN} without internals.</li>
 * </ol>
 * Once the response is committed nothing can be rewritten; a server fault is then rethrown so the
 * container aborts the connection rather than let a client take a truncated body for a whole one.
 */
final class ErrorWriter {
    /** The challenge sent with 401 UNAUTHORIZED unless the embedder configures another. */
    static final String DEFAULT_CHALLENGE = "Basic realm=\"wharf\"";

    private static final Logger LOG = Logger.getLogger(RegistryServlet.class.getName());
    /** The most of an unneeded request body read to keep the connection open for the next request. */
    static final long DRAIN_LIMIT = 1024 * 1024;

    private final String challenge;
    private final Transfers transfers;
    private final boolean drainsWithoutBlocking;

    /**
     * @param challenge             the {@code WWW-Authenticate} value for 401 responses
     * @param transfers             where a body drained after the answer is watched
     * @param drainsWithoutBlocking whether the container keeps a connection whose unneeded body was read away
     *                              with non-blocking I/O ({@link #drainsWithoutBlocking(ServletContext)})
     */
    ErrorWriter(String challenge, Transfers transfers, boolean drainsWithoutBlocking) {
        this.challenge = Objects.requireNonNull(challenge, "challenge");
        this.transfers = Objects.requireNonNull(transfers, "transfers");
        this.drainsWithoutBlocking = drainsWithoutBlocking;
    }

    /**
     * False for Tomcat, which closes the connection after an answer whose unneeded body was read away with
     * non-blocking I/O, without saying so; there the body is read away with a blocking read, as far as
     * {@link #DRAIN_LIMIT}.
     */
    static boolean drainsWithoutBlocking(ServletContext context) {
        String server = context.getServerInfo();
        return server == null || !server.startsWith("Apache Tomcat");
    }

    /**
     * {@code wait} as {@code Retry-After} gives it: whole seconds, rounded up (a client that retries on the second
     * given must not come back early), at least one.
     */
    static long retryAfterSeconds(java.time.Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /**
     * Answers {@code failure} on {@code exchange}'s response.
     *
     * @throws IOException or the original runtime exception, when a server fault hit a committed response
     */
    void handle(Exchange exchange, Throwable failure) throws IOException {
        Optional<ClientIOException> client = failure instanceof RegistryException
                ? Optional.empty() : ClientIOException.in(failure);
        if (client.isPresent() && client.get().direction() == ClientIOException.Direction.WRITING_RESPONSE) {
            LOG.log(Level.FINE, () -> exchange + ": client stopped reading the response");
            return;
        }
        RegistryException error;
        boolean brokenBody = client.isPresent() || exchange.bodyFailed();
        if (failure instanceof RegistryException registryException) {
            error = registryException.code() == ErrorCode.SIZE_INVALID && !brokenBody && exchange.bodyEndedUnread()
                    ? exchange.consumedBody() : registryException;
        } else if (brokenBody) {
            error = new RegistryException(ErrorCode.SIZE_INVALID, client.map(Throwable::getMessage)
                    .orElse("request body ended before it was complete")).withCause(failure);
        } else {
            serverFault(exchange, failure);
            return;
        }
        // A condition of the server itself (a full store) is worth an operator's attention; a client's error is not.
        LOG.log(error.httpStatus() >= 500 ? Level.WARNING : Level.FINE, () -> exchange + " -> " + error.httpStatus()
                + " " + error.code() + ": " + error.getMessage());
        HttpServletResponse response = exchange.response();
        if (response.isCommitted() && brokenBody) {
            // Tomcat answers a broken request body itself (sendError(400) inside the read), which makes the
            // response look committed. That 400 is the right answer; throwing here would turn it into a 500.
            LOG.log(Level.FINE, () -> exchange + ": the container already answered the broken request body");
            return;
        }
        if (response.isCommitted()) {
            LOG.log(Level.FINE, () -> exchange + ": response already committed; closing the connection");
            throw new IOException("cannot report " + error.code() + " on a committed response", error);
        }
        boolean drainAfter = settleBody(exchange, brokenBody, error.code() == ErrorCode.TOOMANYREQUESTS);
        if (error.code() == ErrorCode.UNAUTHORIZED && !response.containsHeader("WWW-Authenticate")) {
            response.setHeader("WWW-Authenticate", exchange.challenge().orElse(challenge));
        }
        error.retryAfter().ifPresent(wait -> response.setHeader("Retry-After", Long.toString(retryAfterSeconds(wait))));
        write(exchange, error.httpStatus(), error.code().wireCode(),
                Optional.ofNullable(error.getMessage()).orElse(error.code().description()), error.detail());
        if (drainAfter) {
            try {
                BodyDrain.start(exchange, transfers, DRAIN_LIMIT);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, e, () -> exchange + ": the unneeded body could not be drained");
            }
        }
    }

    /**
     * Settles what the client is still sending of a body the answer does not need (a bad digest refused before
     * the bytes were read, a client refused for sending too many), so the connection can carry the client's next
     * request. Otherwise the container closes the connection after the answer, and a close with unread bytes
     * becomes a reset that can lose the answer itself. A body that has already arrived, up to
     * {@link #DRAIN_LIMIT} bytes, is read away at once. Else a body of at most that size (or of unknown length,
     * chunked) is read away after the answer with non-blocking I/O where the servlet runs asynchronously
     * ({@link BodyDrain}: no thread waits for a slow client, and one that stalls or sends more is cut off). On
     * Tomcat, which closes the connection after such a drain, a body of known length is read with a blocking
     * read instead, unless the client was refused for sending too many. Past the limit, when the body is broken
     * or already being read without blocking, or where none of this applies, the answer says
     * {@code Connection: close}.
     *
     * @return true if the body is to be drained with non-blocking I/O once the answer is written
     */
    private boolean settleBody(Exchange exchange, boolean brokenBody, boolean tooMany) {
        if (!exchange.hasBody()) {
            return false;
        }
        boolean readable = !brokenBody && !exchange.isBodyNonBlocking();
        if (readable && exchange.discardBody(DRAIN_LIMIT)) {
            return false; // it had all arrived
        }
        long length = exchange.request().getContentLengthLong();
        boolean async = exchange.request().isAsyncSupported() && !exchange.request().isAsyncStarted();
        if (readable && async && length <= DRAIN_LIMIT) {
            if (drainsWithoutBlocking) {
                return true;
            }
            if (!tooMany && length > 0 && exchange.drainBody(DRAIN_LIMIT)) {
                return false;
            }
        }
        exchange.response().setHeader("Connection", "close");
        return false;
    }


    private void serverFault(Exchange exchange, Throwable failure) throws IOException {
        LOG.log(Level.SEVERE, failure, () -> exchange + " failed");
        if (exchange.response().isCommitted()) {
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("response aborted", failure);
        }
        write(exchange, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, ErrorEnvelope.SERVER_FAULT_CODE,
                ErrorEnvelope.SERVER_FAULT_MESSAGE, Optional.empty());
    }

    private static void write(Exchange exchange, int status, String code, String message, Optional<Object> detail)
            throws IOException {
        exchange.response().resetBuffer();
        byte[] body;
        try {
            body = ErrorEnvelope.json(code, message, detail);
        } catch (UncheckedIOException unserialisable) {
            body = ErrorEnvelope.json(code, message, detail.map(String::valueOf));
        }
        try {
            exchange.send(status, ErrorEnvelope.MEDIA_TYPE, body);
        } catch (ClientIOException gone) {
            LOG.log(Level.FINE, () -> exchange + ": client went away before the error was written");
        }
    }
}
