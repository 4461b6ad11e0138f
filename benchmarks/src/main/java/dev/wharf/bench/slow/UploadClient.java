package dev.wharf.bench.slow;

import dev.wharf.bench.http.BenchmarkFailure;
import dev.wharf.bench.http.BodySource;
import dev.wharf.bench.http.HttpConnection;
import dev.wharf.bench.http.RegistryClient;
import dev.wharf.bench.http.Request;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * A client that opens an upload session ({@code POST /v2/<repo>/blobs/uploads/}, answered 202 with a
 * {@code Location}) and then sends one {@code PATCH} to it on the same connection: its head at once,
 * declaring {@code Content-Length} and {@code Content-Range} for the whole chunk, and its body a few bytes a
 * second, as its {@link ByteBudget} allows. A server that serves each request on a blocking thread keeps that
 * thread reading for as long as the body trickles in. An answer before the body is complete (a timeout, a
 * refusal) counts as the server turning the client away; a POST answered with anything but 202 too.
 */
final class UploadClient extends PacedClient {
    private static final byte[] FILL = filled(64 * 1024);

    private enum Step { SESSION, BODY, ANSWER, DONE }

    private final String host;
    private final int port;
    private final String repository;
    private final long chunkSize;
    private Step step = Step.SESSION;
    private long skip;
    private long sent;

    /**
     * @param host           the server's address, for the {@code Host} header
     * @param port           its port
     * @param repository     the repository the session is opened in
     * @param chunkSize      the PATCH's declared length
     * @param bytesPerSecond how fast its body is sent
     * @param tickNanos      the loop's tick, which sizes the budget
     * @param targetName     the server's name, for failure messages
     */
    UploadClient(String host, int port, String repository, long chunkSize, long bytesPerSecond, long tickNanos,
                 String targetName) {
        super(targetName, bytesPerSecond, tickNanos);
        this.host = host;
        this.port = port;
        this.repository = repository;
        this.chunkSize = chunkSize;
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'w');
        return b;
    }

    @Override
    public void connected(SocketChannel ch, long nowNanos) throws IOException {
        channel = ch;
        state = State.WAITING;
        send(HttpConnection.head(Request.of("POST", "/v2/" + repository + "/blobs/uploads/").body(BodySource.empty()),
                host, port));
    }

    @Override
    public void tick(long nowNanos, ByteBuffer scratch) throws IOException {
        if (stopped() || step == Step.DONE) {
            return;
        }
        if (!flushPending()) {
            return;
        }
        // Whatever the server says arrives at full speed: only the body this client sends is slow.
        int n;
        while (state != State.REFUSED && step != Step.DONE && (n = read(scratch)) > 0) {
            consume(scratch.array(), scratch.arrayOffset(), n, nowNanos);
        }
        if (step == Step.BODY && state != State.REFUSED && !pending.hasRemaining()) {
            trickle(nowNanos);
        }
    }

    private int read(ByteBuffer scratch) throws IOException {
        scratch.clear();
        int n = channel.read(scratch);
        if (n < 0) {
            throw new EOFException("closed by the server");
        }
        return n;
    }

    private void trickle(long nowNanos) throws IOException {
        long allowance = Math.min(budget.refill(nowNanos), chunkSize - sent);
        while (allowance > 0) {
            int written = channel.write(ByteBuffer.wrap(FILL, 0, (int) Math.min(allowance, FILL.length)));
            if (written == 0) {
                return; // the server stopped reading and the buffers between are full
            }
            budget.spend(written);
            allowance -= written;
            sent += written;
            bodyMoved(written, nowNanos);
        }
        if (sent == chunkSize) {
            step = Step.ANSWER;
        }
    }

    private void consume(byte[] bytes, int offset, int length, long nowNanos) throws IOException {
        int i = 0;
        while (i < length) {
            if (skip > 0) {
                int n = (int) Math.min(skip, length - i);
                skip -= n;
                i += n;
                continue;
            }
            if (step == Step.DONE || state == State.REFUSED) {
                return; // a closed exchange: nothing more is expected
            }
            i += head.append(bytes, offset + i, length - i);
            if (!head.complete()) {
                return;
            }
            answer(nowNanos);
        }
    }

    /** A complete answer head: to the POST, early to the PATCH (a refusal), or to the whole PATCH. */
    private void answer(long nowNanos) throws IOException {
        int status = head.status();
        if (head.header("Transfer-Encoding").isPresent()) {
            throw new BenchmarkFailure(targetName + " framed an upload answer with Transfer-Encoding; expected Content-Length");
        }
        long length = head.contentLength().orElse(0L);
        if (step == Step.SESSION && status == 202) {
            String location = RegistryClient.originForm(head.header("Location").orElseThrow(() -> new BenchmarkFailure(
                    targetName + " opened an upload session without Location")));
            skip = length;
            head.reset();
            answered = true;
            state = State.STREAMING;
            step = Step.BODY;
            budget = new ByteBudget(bytesPerSecond, tickNanos, nowNanos);
            send(HttpConnection.head(Request.of("PATCH", location)
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", "0-" + (chunkSize - 1))
                    .body(new DeclaredLength(chunkSize)), host, port));
            return;
        }
        if (step == Step.ANSWER && status == 202) {
            completed++;
            step = Step.DONE;
            return;
        }
        refused(status);
    }

    /** A body whose length goes into the PATCH head; its bytes are written by {@link #trickle}, not by this. */
    private record DeclaredLength(long length) implements BodySource {
        @Override
        public void writeTo(java.io.OutputStream out) {
            throw new UnsupportedOperationException("the body is trickled by the client");
        }
    }
}
