package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Makes and deletes the harness's temporary directories, best effort: a leftover is reported, never fatal. */
public final class TempDirs {
    private TempDirs() {
    }

    /** Deletes {@code root} and everything under it; a missing or null root is nothing to do. */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("warning: could not delete " + root + ": " + e);
        }
    }

    /**
     * A new scratch directory under {@code workDir} (created if need be), deleted on {@link Scratch#close()} or,
     * should the JVM be stopped first (Ctrl+C, SIGTERM), by a shutdown hook.
     */
    public static Scratch scratch(Path workDir, String prefix) {
        Path dir;
        try {
            Files.createDirectories(workDir);
            dir = Files.createTempDirectory(workDir, prefix);
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot use work directory " + workDir + ": " + e, e);
        }
        Thread hook = new Thread(() -> delete(dir), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Scratch(dir, hook);
    }

    /**
     * A scratch directory and the shutdown hook that deletes it if the run does not get to.
     *
     * @param path the directory
     * @param hook the shutdown hook
     */
    public record Scratch(Path path, Thread hook) implements AutoCloseable {
        /** Deletes the directory and drops the hook. Idempotent. */
        @Override
        public void close() {
            delete(path);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }
}
