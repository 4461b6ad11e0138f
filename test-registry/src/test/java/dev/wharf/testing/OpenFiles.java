package dev.wharf.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The temporary blob files of the in-memory blob store, as the operating system sees them: the handles a process
 * holds open on them (read from {@code /proc/PID/fd}; a case that needs it is skipped where there is none), and
 * the names left in a directory.
 */
public final class OpenFiles {
    /** How the in-memory blob store names its temporary files. */
    private static final String PREFIX = "wharf-blob-";

    private OpenFiles() {
    }

    /** Handles that process {@code pid} holds on blob files created in {@code directory}, named or removed. */
    public static long blobFilesOpen(long pid, Path directory) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "no " + fds + " to count open files with");
        String prefix = directory.toAbsolutePath().resolve(PREFIX).toString();
        try (Stream<Path> handles = Files.list(fds)) {
            return handles.map(OpenFiles::target).filter(target -> target.startsWith(prefix)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Blob file names still present in {@code directory} (none, where names are removed when opened). */
    public static List<Path> blobFileNames(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> names = Files.list(directory)) {
            return names.filter(name -> name.getFileName().toString().startsWith(PREFIX)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String target(Path handle) {
        try {
            return Files.readSymbolicLink(handle).toString();
        } catch (IOException e) {
            return ""; // closed meanwhile
        }
    }
}
