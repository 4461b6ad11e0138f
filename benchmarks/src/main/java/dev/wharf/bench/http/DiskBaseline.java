package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * What this disk can do for a durable write: {@code size} bytes written sequentially through a
 * {@link FileChannel} in 1 MiB pieces, then {@code force(true)}, timed together, in the directory the
 * servers store into. A registry that fsyncs a blob before acknowledging it cannot beat this.
 */
final class DiskBaseline {
    private DiskBaseline() {
    }

    /**
     * MiB/s of a fsync'd write of {@code size} bytes in {@code dir}; the file is deleted afterwards. The memory it
     * writes into is {@linkplain #freePageCache freed just before}, as for the pushes it is compared with.
     */
    static double measure(Path dir, long size) {
        freePageCache(dir, size);
        Path file = dir.resolve("disk-baseline-" + System.nanoTime());
        try {
            long start = System.nanoTime();
            write(file, size, true);
            long nanos = System.nanoTime() - start;
            return size / (1024.0 * 1024.0) / (nanos / 1e9);
        } catch (IOException e) {
            throw new BenchmarkFailure("disk baseline in " + dir + " failed: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // removed with the work directory
            }
        }
    }

    /**
     * Writes {@code size} bytes to a file in {@code dir} and deletes it unsynced, so that the next write of that
     * size goes into memory the kernel has just freed. On this virtual machine, memory the guest freed is handed
     * back to the host a few seconds later (the balloon device's free page reporting), and the first write into
     * such memory costs the host's fault: writing 1 GiB into the page cache took 1.5 s of system time, against
     * 0.2 s into memory freed a moment before. A server that happened to write after another freed its data would
     * otherwise push several times faster than one that did not; called before every timed big push, for
     * every target, it gives each the memory a long-running host's page cache would.
     */
    static void freePageCache(Path dir, long size) {
        Path file = dir.resolve("wharf-bench-page-cache-" + System.nanoTime());
        try {
            write(file, size, false);
        } catch (IOException e) {
            throw new BenchmarkFailure("writing " + size + " bytes to free them in " + dir + " failed: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // removed with the work directory
            }
        }
    }

    /**
     * Readies the machine for a timed write of {@code size} bytes: flushes what is dirty ({@link #settle}), then
     * frees that much memory ({@link #freePageCache}), in that order, so that the sync cannot outlast the few
     * seconds before freed memory goes back to the host.
     */
    static void readyForBigWrite(Path dir, long size) {
        settle();
        freePageCache(dir, size);
    }

    /** Writes {@code size} distinct bytes to a new {@code file} in 1 MiB pieces, then fsyncs it if {@code sync}. */
    private static void write(Path file, long size, boolean sync) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(PatternBlob.BLOCK);
        byte[] random = new byte[PatternBlob.BLOCK];
        new SplittableRandom(7).nextBytes(random);
        buffer.put(random).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long written = 0;
            while (written < size) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), size - written));
                buffer.putLong(0, written); // distinct blocks, as the blobs are
                while (buffer.hasRemaining()) {
                    written += ch.write(buffer);
                }
            }
            if (sync) {
                ch.force(true);
            }
        }
    }

    /** Flushes every dirty page to disk (sync(1)) so one workload's writes are not charged to the next. */
    static void settle() {
        try {
            Process p = new ProcessBuilder("sync").inheritIO().start();
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no sync binary: the next workload starts with whatever is dirty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
