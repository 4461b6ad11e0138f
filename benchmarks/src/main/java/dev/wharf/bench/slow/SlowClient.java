package dev.wharf.bench.slow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One slow client's side of an exchange, driven by {@link SlowClientLoop} on its selector thread: told when
 * its non-blocking connection is up, then given one turn per tick in which it moves at most its
 * {@link ByteBudget}'s bytes. It never blocks and never sleeps. At the end it reports what happened to it
 * into a {@link SlowLoadResult.Tally}.
 */
interface SlowClient {
    /** What became of a client, as the result counts it. */
    enum State {
        /** The TCP connection has not completed. */
        CONNECTING,
        /** The connection could not be made (refused, reset, no port, no file descriptor). */
        CONNECT_FAILED,
        /** Its request went out; no answer yet. */
        WAITING,
        /** Answered as hoped (200 for a download, 202 for an upload session); bytes are moving. */
        STREAMING,
        /** Answered with another status: the server turned it away. */
        REFUSED,
        /** The server closed or reset the connection without an answer, or mid-body. */
        DROPPED
    }

    /** The connection is up: send what opens the exchange (never more than the socket takes at once). */
    void connected(SocketChannel channel, long nowNanos) throws IOException;

    /**
     * One tick: read and write what the budget and the socket allow. {@code scratch} is a buffer shared by
     * every client of the loop, for reads. An IOException means the server dropped the connection.
     */
    void tick(long nowNanos, ByteBuffer scratch) throws IOException;

    /**
     * The connection failed: {@link State#CONNECT_FAILED} when {@link #connected} was never called,
     * {@link State#DROPPED} after. Closes the channel.
     */
    void failed();

    /** Adds this client's counts to {@code tally}, judging "still moving" from {@code nowNanos}. */
    void report(SlowLoadResult.Tally tally, long nowNanos);
}
