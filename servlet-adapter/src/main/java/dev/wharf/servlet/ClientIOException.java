package dev.wharf.servlet;

import java.io.IOException;

/**
 * An I/O failure on the client's side of the connection, as opposed to a storage failure: the client's
 * request body broke off, or the client stopped reading the response. It is an {@link IOException}, so
 * the engine sees an ordinary read failure and rolls its upload session back; {@link ErrorWriter}
 * recognises it (also as the cause of whatever the engine wraps it in) and answers 400 SIZE_INVALID
 * instead of 500, or, when the client is gone, nothing at all.
 */
final class ClientIOException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Which way the bytes were flowing when the connection failed. */
    enum Direction {
        /** Reading the request body. */
        READING_REQUEST,
        /** Writing the response body. */
        WRITING_RESPONSE
    }

    private final Direction direction;

    ClientIOException(Direction direction, String message, IOException cause) {
        super(message, cause);
        this.direction = direction;
    }

    Direction direction() {
        return direction;
    }

    /** The client failure in {@code t}'s cause chain, if any. */
    static java.util.Optional<ClientIOException> in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ClientIOException client) {
                return java.util.Optional.of(client);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return java.util.Optional.empty();
    }
}
