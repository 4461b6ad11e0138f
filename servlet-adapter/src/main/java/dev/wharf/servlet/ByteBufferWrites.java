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

/**
 * Copies a blob from a channel to the response through a pooled direct buffer when the container's output
 * stream can write a {@link ByteBuffer} (Servlet 6.1's {@code ServletOutputStream.write(ByteBuffer)}; Jetty
 * 12 has it on 6.0 too). That saves two of the four copies a heap-array copy costs: file to direct buffer to
 * socket, instead of file to temporary buffer to heap to temporary buffer to socket. The method is found by
 * reflection so the adapter still compiles against, and runs on, Servlet 6.0 containers without it.
 */
final class ByteBufferWrites {
    private static final int BUFFER_SIZE = 256 * 1024;
    /** Bounded pool: a few direct buffers serve concurrent pulls; beyond that, pulls take the heap path. */
    private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(8);

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
        Optional<MethodHandle> write = WRITERS.get(out.getClass());
        if (write.isEmpty()) {
            return false;
        }
        ByteBuffer buffer = POOL.poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        try {
            while (true) {
                buffer.clear();
                int n = in.read(buffer);
                if (n < 0) {
                    return true;
                }
                buffer.flip();
                try {
                    write.get().invoke(out, buffer);
                } catch (IOException e) {
                    throw new ClientIOException(ClientIOException.Direction.WRITING_RESPONSE, "client stopped reading", e);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IOException(e);
                }
            }
        } finally {
            POOL.offer(buffer); // dropped when the pool is full
        }
    }
}
