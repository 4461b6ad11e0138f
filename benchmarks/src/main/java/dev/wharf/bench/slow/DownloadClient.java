package dev.wharf.bench.slow;

import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.PatternBlob;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A client that GETs one blob and reads it at a fixed rate: each tick it reads at most its
 * {@link ByteBudget}'s bytes, so with a small receive buffer the server's writes block (or stop being
 * ready) for as long as the client lets them. Every body byte is checked against the blob; a 200 without the
 * blob's length, or with other bytes, fails the run, while another status is the server turning the client
 * away and is counted. A download that finishes starts again on the same connection, unless the server asked
 * to close it.
 */
final class DownloadClient implements SlowClient {
    private final byte[] request;
    private final PatternBlob blob;
    private final String targetName;
    private final long bytesPerSecond;
    private final long tickNanos;
    private final ResponseHead head = new ResponseHead();
    private SocketChannel channel;
    private ByteBudget budget;
    private ByteBuffer pending;
    private State state = State.CONNECTING;
    private boolean answered;
    private boolean finished;
    private int refusedStatus;
    private long position;
    private long bodyBytes;
    private long completed;
    private long lastBodyNanos;

    /**
     * @param request        the GET request as bytes on the wire
     * @param blob           the blob it names, to check the body against
     * @param targetName     the server's name, for failure messages
     * @param bytesPerSecond this client's reading rate
     * @param tickNanos      the loop's tick, which sizes the budget
     */
    DownloadClient(byte[] request, PatternBlob blob, String targetName, long bytesPerSecond, long tickNanos) {
        this.request = request.clone();
        this.blob = blob;
        this.targetName = targetName;
        this.bytesPerSecond = bytesPerSecond;
        this.tickNanos = tickNanos;
    }

    @Override
    public void connected(SocketChannel ch, long nowNanos) throws IOException {
        channel = ch;
        budget = new ByteBudget(bytesPerSecond, tickNanos, nowNanos);
        state = State.WAITING;
        send();
    }

    private void send() throws IOException {
        pending = ByteBuffer.wrap(request);
        channel.write(pending);
    }

    @Override
    public void tick(long nowNanos, ByteBuffer scratch) throws IOException {
        if (channel == null || finished || state == State.REFUSED || state == State.DROPPED) {
            return;
        }
        if (pending.hasRemaining()) {
            channel.write(pending);
            if (pending.hasRemaining()) {
                return; // the request first; a few hundred bytes, so this hardly ever waits a tick
            }
        }
        long allowance = budget.refill(nowNanos);
        while (allowance > 0 && !finished && state != State.REFUSED) {
            scratch.clear().limit((int) Math.min(allowance, scratch.capacity()));
            int n = channel.read(scratch);
            if (n < 0) {
                throw new EOFException("closed by the server");
            }
            if (n == 0) {
                return;
            }
            budget.spend(n);
            allowance -= n;
            consume(scratch.array(), scratch.arrayOffset(), n, nowNanos);
        }
    }

    private void consume(byte[] bytes, int offset, int length, long nowNanos) throws IOException {
        int i = 0;
        while (i < length) {
            if (!head.complete()) {
                i += head.append(bytes, offset + i, length - i);
                if (!head.complete()) {
                    return;
                }
                if (head.status() != 200) {
                    refusedStatus = head.status();
                    state = State.REFUSED;
                    close();
                    return;
                }
                long declared = head.contentLength().orElseThrow(() -> new BenchmarkFailure(
                        targetName + " answered the blob GET with 200 but no Content-Length"));
                if (declared != blob.size()) {
                    throw new BenchmarkFailure(targetName + " answered the blob GET with Content-Length " + declared
                            + ", not " + blob.size());
                }
                answered = true;
                state = State.STREAMING;
                position = 0;
                continue;
            }
            int take = (int) Math.min(length - i, blob.size() - position);
            int bad = blob.mismatch(position, bytes, offset + i, take);
            if (bad >= 0) {
                throw new BenchmarkFailure(targetName + " sent a slow client bytes that differ from the blob at byte "
                        + (position + bad));
            }
            position += take;
            bodyBytes += take;
            i += take;
            lastBodyNanos = nowNanos;
            if (position == blob.size()) {
                completed++;
                if (i < length) {
                    throw new BenchmarkFailure(targetName + " sent bytes after the blob's " + blob.size());
                }
                boolean close = head.header("Connection").map(v -> v.equalsIgnoreCase("close")).orElse(false);
                head.reset();
                if (close) {
                    finished = true;
                    close();
                } else {
                    send();
                }
            }
        }
    }

    @Override
    public void failed() {
        state = channel == null ? State.CONNECT_FAILED : State.DROPPED;
        close();
    }

    private void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the connection is being given up: nothing more to learn from it
            }
        }
    }

    @Override
    public void report(SlowLoadResult.Tally tally, long nowNanos) {
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
