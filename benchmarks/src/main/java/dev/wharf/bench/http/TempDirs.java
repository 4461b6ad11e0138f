package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes the harness's temporary directories, best effort: a leftover is reported, never fatal. */
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
}
