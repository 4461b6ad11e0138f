package dev.wharf.core.storage;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small pool of equally sized direct buffers, so that a store writing large pieces does not allocate (and
 * zero) a direct buffer per piece. Idle buffers are bounded; beyond the bound a released buffer is left to the
 * garbage collector, which frees its native memory.
 */
final class DirectBufferPool {
    private final int bufferSize;
    private final int maxIdle;
    private final ConcurrentLinkedQueue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    DirectBufferPool(int bufferSize, int maxIdle) {
        this.bufferSize = bufferSize;
        this.maxIdle = maxIdle;
    }

    /** A cleared buffer of the pool's size, pooled or new. */
    ByteBuffer acquire() {
        ByteBuffer buffer = idle.poll();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(bufferSize);
        }
        idleCount.decrementAndGet();
        return buffer.clear();
    }

    /** Gives a buffer back; null is ignored. The caller must not use it afterwards. */
    void release(ByteBuffer buffer) {
        if (buffer != null && idleCount.incrementAndGet() <= maxIdle) {
            idle.offer(buffer);
        } else if (buffer != null) {
            idleCount.decrementAndGet();
        }
    }

    /** Buffers waiting to be reused. */
    int idle() {
        return idleCount.get();
    }
}
