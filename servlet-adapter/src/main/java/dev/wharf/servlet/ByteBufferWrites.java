package dev.wharf.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Copies a blob from a channel to the response through a pooled direct buffer when the container's output
 * stream can write a {@link ByteBuffer} (Servlet 6.1's {@code ServletOutputStream.write(ByteBuffer)}; Jetty
 * 12 has it on 6.0 too). That saves two of the four copies a heap-array copy costs: file to direct buffer to
 * socket, instead of file to temporary buffer to heap to temporary buffer to socket. The method is found by
 * reflection so the adapter still compiles against, and runs on, Servlet 6.0 containers without it. Also keeps
 * the limit on what non-blocking senders hold while their clients read: pooled buffers and mapped windows alike.
 */
final class ByteBufferWrites {
    private static final int BUFFER_SIZE = 256 * 1024;
    /** Bounded pool: a few direct buffers serve concurrent pulls; beyond that, pulls take the heap path. */
    private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(8);
    /** How many buffers non-blocking senders may hold at once (a held buffer waits on its client). */
    static final int HELD_LIMIT = 16;
    private static final Semaphore HELD = new Semaphore(HELD_LIMIT);

    private static final ClassValue<Optional<MethodHandle>> WRITERS = new ClassValue<>() {
        @Override
        protected Optional<MethodHandle> computeValue(Class<?> type) {
            try {
                return Optional.of(MethodHandles.publicLookup().findVirtual(type, "write",
                        MethodType.methodType(void.class, ByteBuffer.class)));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                return Optional.empty();
            }
        }
    };

    private ByteBufferWrites() {
    }

    /**
     * Copies everything {@code in} yields to {@code out} with direct buffers, if both sides allow it.
     *
     * @return false if they do not (nothing was copied; use a heap copy)
     */
    static boolean copy(ReadableByteChannel in, OutputStream out) throws IOException {
        Optional<MethodHandle> write = writer(out);
        if (write.isEmpty()) {
            return false;
        }
        ByteBuffer buffer = take();
        try {
            while (true) {
                buffer.clear();
                int n = in.read(buffer);
                if (n < 0) {
                    return true;
                }
                buffer.flip();
                try {
                    write(write.get(), out, buffer);
                } catch (IOException e) {
                    throw new ClientIOException(ClientIOException.Direction.WRITING_RESPONSE, "client stopped reading", e);
                }
            }
        } finally {
            give(buffer);
        }
    }

    /** The container's {@code write(ByteBuffer)} of {@code out}, if its class has one. */
    static Optional<MethodHandle> writer(OutputStream out) {
        return WRITERS.get(out.getClass());
    }

    /**
     * The container's {@code write(ByteBuffer)} of {@code out} for use in non-blocking mode, where the caller
     * refills the buffer as soon as {@code isReady()} is true again: only containers tested to have sent all of
     * it by then (Jetty and Tomcat). The method is Servlet 6.1's; these Servlet 6.0 containers have it on their
     * own terms, and do not agree on the buffer's position afterwards (Jetty leaves it, so it cannot serve to
     * tell). With Undertow 2.3 a client received other bytes than the blob's, so it takes the heap path.
     */
    static Optional<MethodHandle> nonBlockingWriter(OutputStream out) {
        String type = out.getClass().getName();
        boolean known = type.startsWith("org.eclipse.jetty.") || type.startsWith("org.apache.catalina.");
        return known ? writer(out) : Optional.empty();
    }

    /** Calls {@code write} (from {@link #writer}) on {@code out} with {@code buffer}. */
    static void write(MethodHandle write, OutputStream out, ByteBuffer buffer) throws IOException {
        try {
            write.invoke(out, buffer);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    /** A direct buffer of {@link #BUFFER_SIZE} bytes, from the pool when it has one. */
    static ByteBuffer take() {
        ByteBuffer buffer = POOL.poll();
        return buffer != null ? buffer : ByteBuffer.allocateDirect(BUFFER_SIZE);
    }

    /** Returns a buffer from {@link #take}; dropped when the pool is full. */
    static void give(ByteBuffer buffer) {
        POOL.offer(buffer);
    }

    /**
     * A direct buffer for a caller that may hold it as long as a slow client takes, or null when
     * {@value #HELD_LIMIT} are held already: connections beyond that must not make the process allocate one each.
     * Return it with {@link #giveHeld}.
     */
    static ByteBuffer takeHeld() {
        return HELD.tryAcquire() ? take() : null;
    }

    /**
     * A place in the limit of {@link #takeHeld} for a caller that sends mapped windows of a file instead of a
     * buffer (each held window is resident memory too); false when none is free. End it with {@link #dropHeld}.
     */
    static boolean holdWindow() {
        return HELD.tryAcquire();
    }

    /** Returns a buffer from {@link #takeHeld}. */
    static void giveHeld(ByteBuffer buffer) {
        give(buffer);
        HELD.release();
    }

    /** How many buffers from {@link #takeHeld}, and places from {@link #holdWindow}, are held now. */
    static int held() {
        return HELD_LIMIT - HELD.availablePermits();
    }

    /**
     * Ends the holding of a buffer from {@link #takeHeld} that may still be in use, so is not pooled again, or of
     * a place from {@link #holdWindow}.
     */
    static void dropHeld() {
        HELD.release();
    }
}
