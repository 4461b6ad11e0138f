package dev.wharf.testing.launcher;

import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * RocksDB's native library loaded from a copy beside the launcher's jar, so that a start does not extract it.
 *
 * <p>{@code RocksDB.loadLibrary()} inflates its library (15 MB, compressed in the jar) into
 * {@code java.io.tmpdir} on every start and loads that copy, which costs more than opening the database. The
 * build writes one copy into {@link StartupFiles#nativeDirectory()} instead ({@link #write}), with a note of the
 * jar entry it came from:
 *
 * <pre>
 * wharf-registry-native/
 *   LIBRARY          the library, named as RocksDB.loadLibrary(List) looks for it in a directory
 *   LIBRARY.source   "CRC-32 size" of the jar entry it was copied from
 * </pre>
 *
 * <p>({@code LIBRARY} is {@code Environment.getJniLibraryFileName("rocksdbjni")}: on Linux x86-64 with RocksDB
 * 10 that is {@code librocksdbjnijni-linux64.so}, "jni" twice, which is what its loader asks for.)
 * {@link #load} uses the copy only when it came from the very entry in the running jar (same CRC-32 and size,
 * and the copy whole); otherwise, or if loading it fails, it leaves everything to RocksDB's own loader. A
 * missing, stale or broken copy therefore costs start time, never correctness.
 */
final class RocksDbLibrary {
    private static final String SOURCE_SUFFIX = ".source";

    private RocksDbLibrary() {
    }

    /**
     * Loads RocksDB's library from the copy beside {@code files}' jar when that copy came from the jar.
     *
     * @return whether the copy was loaded; when not, {@code RocksDB.loadLibrary()} will extract it as usual
     */
    static boolean load(StartupFiles files) {
        try {
            Path directory = files.nativeDirectory();
            Path library = directory.resolve(fileName());
            if (!Files.isRegularFile(library) || !copiedFromJar(files, library)) {
                return false;
            }
            RocksDB.loadLibrary(List.of(directory.toString()));
            return true;
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            // An unreadable note or jar, a platform RocksDB cannot name, a copy that does not load: in the last
            // case RocksDB is back to "not loaded", and its own loader tries next.
            return false;
        }
    }

    /** Whether {@code library} is whole and its note names the entry the running jar holds. */
    private static boolean copiedFromJar(StartupFiles files, Path library) throws IOException {
        Path note = library.resolveSibling(fileName() + SOURCE_SUFFIX);
        if (!Files.isRegularFile(note)) {
            return false;
        }
        try (JarFile jar = new JarFile(files.jar().toFile())) {
            JarEntry entry = jar.getJarEntry(entryName());
            return entry != null && Files.size(library) == entry.getSize()
                    && Files.readString(note, StandardCharsets.US_ASCII).strip().equals(source(entry));
        }
    }

    /**
     * Copies the library for this platform out of {@code files}' jar into its native directory, replacing what
     * was there.
     *
     * @return the copy; empty when the jar holds no library for this platform (RocksDB has Linux builds only)
     * @throws IOException when the copy cannot be written
     */
    static Optional<Path> write(StartupFiles files) throws IOException {
        try (JarFile jar = new JarFile(files.jar().toFile())) {
            JarEntry entry;
            try {
                entry = jar.getJarEntry(entryName());
            } catch (UnsupportedOperationException e) { // a platform RocksDB has no name for
                return Optional.empty();
            }
            if (entry == null) {
                return Optional.empty();
            }
            Path directory = Files.createDirectories(files.nativeDirectory());
            Path library = directory.resolve(fileName());
            Path source = directory.resolve(fileName() + SOURCE_SUFFIX);
            Files.deleteIfExists(source); // no note while the library changes: a half-written copy never matches
            try (Stream<Path> left = Files.list(directory)) { // what an older build left, e.g. another RocksDB
                for (Path file : left.filter(file -> !file.equals(library)).toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Path partial = Files.createTempFile(directory, fileName(), ".partial");
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, library, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            Files.writeString(source, source(entry) + "\n", StandardCharsets.US_ASCII);
            return Optional.of(library);
        }
    }

    /** The library's entry in the jar, as RocksDB's own loader finds it. */
    private static String entryName() {
        return Environment.getJniLibraryFileName("rocksdb");
    }

    /** The file {@code RocksDB.loadLibrary(List)} loads from a directory. */
    private static String fileName() {
        return Environment.getJniLibraryFileName("rocksdbjni");
    }

    private static String source(JarEntry entry) {
        return Long.toHexString(entry.getCrc()) + " " + entry.getSize();
    }
}
