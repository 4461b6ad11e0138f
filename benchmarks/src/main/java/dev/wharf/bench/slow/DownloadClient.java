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
final class DownloadClient extends PacedClient {
    private final byte[] request;
    private final PatternBlob blob;
    private boolean finished;
    private long position;

    /**
     * @param request        the GET request as bytes on the wire
     * @param blob           the blob it names, to check the body against
     * @param targetName     the server's name, for failure messages
     * @param bytesPerSecond this client's reading rate
     * @param tickNanos      the loop's tick, which sizes the budget
     */
    DownloadClient(byte[] request, PatternBlob blob, String targetName, long bytesPerSecond, long tickNanos) {
        super(targetName, bytesPerSecond, tickNanos);
        this.request = request.clone();
        this.blob = blob;
    }

    @Override
    public void connected(SocketChannel ch, long nowNanos) throws IOException {
        channel = ch;
        budget = new ByteBudget(bytesPerSecond, tickNanos, nowNanos);
        state = State.WAITING;
        send(request);
    }

    @Override
    public void tick(long nowNanos, ByteBuffer scratch) throws IOException {
        if (stopped() || finished) {
            return;
        }
        if (!flushPending()) {
            return; // the request first; a few hundred bytes, so this hardly ever waits a tick
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
                    refused(head.status());
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
            bodyMoved(take, nowNanos);
            i += take;
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
                    send(request);
                }
            }
        }
    }
}
