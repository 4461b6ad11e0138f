package dev.wharf.bench.slow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * What every {@link SlowClient} keeps: its connection, its {@link ByteBudget}, the request bytes the socket has
 * not taken yet, the response head being read, and the counts it reports. Subclasses say what they send and how
 * their body moves.
 */
abstract class PacedClient implements SlowClient {
    /** The server's name, for failure messages. */
    protected final String targetName;
    protected final long bytesPerSecond;
    protected final long tickNanos;
    protected final ResponseHead head = new ResponseHead();
    protected SocketChannel channel;
    protected ByteBudget budget;
    /** Wire bytes of the last {@link #send}, from the first the socket has not taken yet. */
    protected ByteBuffer pending;
    protected State state = State.CONNECTING;
    /** Whether the server answered as hoped at least once. */
    protected boolean answered;
    /** Whole exchanges finished: blobs read, or chunks accepted. */
    protected long completed;
    private int refusedStatus;
    private long bodyBytes;
    private long lastBodyNanos;

    PacedClient(String targetName, long bytesPerSecond, long tickNanos) {
        this.targetName = targetName;
        this.bytesPerSecond = bytesPerSecond;
        this.tickNanos = tickNanos;
    }

    /** Starts writing {@code wire}; what the socket does not take now goes out on later ticks. */
    final void send(byte[] wire) throws IOException {
        pending = ByteBuffer.wrap(wire);
        channel.write(pending);
    }

    /** Writes what is left of the last {@link #send}; true once all of it is out. */
    final boolean flushPending() throws IOException {
        if (pending.hasRemaining()) {
            channel.write(pending);
        }
        return !pending.hasRemaining();
    }

    /** True when nothing more is to move: not connected yet, turned away or dropped. */
    final boolean stopped() {
        return channel == null || state == State.REFUSED || state == State.DROPPED;
    }

    /** The server turned this client away with {@code status}. */
    final void refused(int status) {
        refusedStatus = status;
        state = State.REFUSED;
        close();
    }

    /** {@code n} body bytes moved at {@code nowNanos}. */
    final void bodyMoved(long n, long nowNanos) {
        bodyBytes += n;
        lastBodyNanos = nowNanos;
    }

    @Override
    public final void failed() {
        state = channel == null ? State.CONNECT_FAILED : State.DROPPED;
        close();
    }

    final void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the connection is being given up: nothing more to learn from it
            }
        }
    }

    @Override
    public final void report(SlowLoadResult.Tally tally, long nowNanos) {
        switch (state) {
            case CONNECTING, CONNECT_FAILED -> tally.connectFailed++;
            case WAITING -> tally.waiting++;
            case REFUSED -> tally.refused(refusedStatus);
            case DROPPED -> tally.dropped++;
            case STREAMING -> {
                // counted below
            }
        }
        if (state != State.CONNECTING && state != State.CONNECT_FAILED) {
            tally.connected++;
        }
        if (answered) {
            tally.answered++;
        }
        if (bodyBytes > 0) {
            tally.withBytes++;
            if (nowNanos - lastBodyNanos <= tally.activeWindowNanos) {
                tally.movingAtEnd++;
            }
        }
        tally.bodyBytes += bodyBytes;
        tally.completed += completed;
    }
}
