package dev.wharf.core.internal;

import dev.wharf.spi.StorageException;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs one upload body's work on its pieces (hashing and writing them) on a background thread, in order, while the
 * request's thread receives the next piece: a large push then uses both cores, where hashing, copying into the
 * page cache and reading the socket one after another on one thread held it at about 650 MiB/s here.
 *
 * <p>Each piece is copied into a pooled direct buffer, the copy a heap buffer's file write would make anyway. At
 * most {@value #IN_FLIGHT} buffers wait or are worked on per body, so a body whose disk is slower than its client
 * holds the client back instead of memory, and at most {@value #BODIES} bodies are worked on this way at once, so
 * the process holds at most {@code BODIES × IN_FLIGHT} such buffers (8 MiB); further bodies are worked on by
 * their own thread. A failure of the work is thrown by the next {@link #submit} or by {@link #await}; pieces after
 * it are dropped. Not thread-safe: one thread at a time submits, awaits and closes (an upload's calls are ordered
 * by its receiver).
 */
final class BackgroundPieces {
    /** Bodies whose pieces are at least this large are worked on in the background. */
    static final int MIN_PIECE = 64 * 1024;
    private static final int BUFFER_SIZE = 256 * 1024;
    private static final int IN_FLIGHT = 2;
    static final int BODIES = 16;
    private static final Semaphore BODY_PLACES = new Semaphore(BODIES);
    private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(BODIES * IN_FLIGHT);
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wharf-upload-piece");
        t.setDaemon(true);
        return t;
    });

    private final Consumer<ByteBuffer> work;
    private final Semaphore room = new Semaphore(IN_FLIGHT);
    private final Queue<ByteBuffer> waiting = new ConcurrentLinkedQueue<>();
    /** True while a task drains {@link #waiting}: at most one does, so pieces are worked on in order. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile Throwable failure;
    private boolean closed;

    private BackgroundPieces(Consumer<ByteBuffer> work) {
        this.work = work;
    }

    /**
     * Pieces to be given to {@code work}, in order, one at a time, on a background thread; or empty when
     * {@value #BODIES} bodies are worked on in the background already. {@link #close()} it when the body ends.
     */
    static Optional<BackgroundPieces> open(Consumer<ByteBuffer> work) {
        return BODY_PLACES.tryAcquire() ? Optional.of(new BackgroundPieces(work)) : Optional.empty();
    }

    /**
     * Copies {@code bytes} (consuming them) to be worked on in the background; waits while {@value #IN_FLIGHT}
     * pieces are in flight. Throws the failure of an earlier piece, if there was one.
     */
    void submit(ByteBuffer bytes) {
        rethrow();
        while (bytes.hasRemaining()) {
            room.acquireUninterruptibly();
            ByteBuffer piece;
            try {
                piece = take();
            } catch (RuntimeException | Error e) { // no direct memory left: the piece never was
                room.release();
                throw e;
            }
            int n = Math.min(piece.remaining(), bytes.remaining());
            piece.put(bytes.slice(bytes.position(), n)).flip();
            bytes.position(bytes.position() + n);
            waiting.add(piece);
            if (draining.compareAndSet(false, true)) {
                try {
                    THREADS.execute(this::drain);
                } catch (RuntimeException | Error e) {
                    drain(); // no thread to be had: the caller works on what waits, in order, itself
                }
            }
        }
    }

    /** Waits until every submitted piece has been worked on; throws the failure of any, if there was one. */
    void await() {
        awaitQuietly();
        rethrow();
    }

    /**
     * Waits until no piece is in flight, whatever became of them, and gives up the body's place: call before the
     * work's resources are closed. Idempotent.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        awaitQuietly();
        BODY_PLACES.release();
    }

    private void awaitQuietly() {
        room.acquireUninterruptibly(IN_FLIGHT);
        room.release(IN_FLIGHT);
    }

    private void drain() {
        while (true) {
            ByteBuffer piece = waiting.poll();
            if (piece == null) {
                draining.set(false);
                // A piece added after the poll, whose submitter saw draining still true, is drained here.
                if (waiting.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                if (failure == null) {
                    work.accept(piece);
                }
            } catch (Throwable e) { // a checked exception a store's writer threw undeclared included
                failure = e;
            } finally {
                POOL.offer(piece.clear());
                room.release();
            }
        }
    }

    private void rethrow() {
        Throwable e = failure;
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        if (e != null) {
            throw new StorageException("writing a piece of an upload failed: " + e, e);
        }
    }

    private static ByteBuffer take() {
        ByteBuffer buffer = POOL.poll();
        return buffer != null ? buffer : ByteBuffer.allocateDirect(BUFFER_SIZE);
    }
}
