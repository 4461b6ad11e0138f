package dev.wharf.testing.launcher;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The copy of RocksDB's library beside a jar, written from and checked against the jar's own entry. The jar here is
 * RocksDB's (it holds the library as the shaded launcher jar does); that the copy actually loads is
 * {@code ShadedJarIT}'s to show, in a JVM of its own.
 */
class RocksDbLibraryTest {
    private static final String LIBRARY = Environment.getJniLibraryFileName("rocksdbjni");

    @TempDir
    Path directory;

    private StartupFiles files;

    @BeforeEach
    void copyRocksDbJar() throws IOException, URISyntaxException {
        Path rocksDbJar = Path.of(RocksDB.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        files = new StartupFiles(Files.copy(rocksDbJar, directory.resolve("wharf-registry.jar")));
    }

    @Test
    void shouldCopyLibraryOutOfJarWithNoteOfItsEntryWhenWritten() throws IOException {
        Path library = RocksDbLibrary.write(files).orElseThrow();

        assertThat(library).isEqualTo(directory.resolve("wharf-registry-native").resolve(LIBRARY));
        try (JarFile jar = new JarFile(files.jar().toFile());
             InputStream entry = jar.getInputStream(jar.getJarEntry(Environment.getJniLibraryFileName("rocksdb")))) {
            assertThat(library).hasBinaryContent(entry.readAllBytes());
        }
        assertThat(Files.readString(library.resolveSibling(LIBRARY + ".source"), StandardCharsets.US_ASCII))
                .matches("[0-9a-f]+ " + Files.size(library) + "\n");
        try (var left = Files.list(files.nativeDirectory())) {
            assertThat(left).as("no partial file left").hasSize(2);
        }
    }

    @Test
    void shouldRemoveWhatElseLiesInNativeDirectoryWhenWritten() throws IOException {
        Path stale = Files.createDirectories(files.nativeDirectory()).resolve("librocksdbjnijni-linux64-9.so");
        Files.writeString(stale, "a library of an older build");

        RocksDbLibrary.write(files).orElseThrow();

        assertThat(stale).doesNotExist();
        try (var left = Files.list(files.nativeDirectory())) {
            assertThat(left).hasSize(2);
        }
    }

    @Test
    void shouldLeaveLoadingToRocksDbWhenNoCopyIsBesideJar() {
        assertThat(RocksDbLibrary.load(files)).isFalse();
    }

    @Test
    void shouldLeaveLoadingToRocksDbWhenNoteNamesAnotherEntry() throws IOException {
        Path library = RocksDbLibrary.write(files).orElseThrow();
        Files.writeString(library.resolveSibling(LIBRARY + ".source"), "0 " + Files.size(library) + "\n");

        assertThat(RocksDbLibrary.load(files)).isFalse();
    }

    @Test
    void shouldLeaveLoadingToRocksDbWhenCopyIsCut() throws IOException {
        Path library = RocksDbLibrary.write(files).orElseThrow();
        byte[] bytes = Files.readAllBytes(library);
        Files.write(library, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThat(RocksDbLibrary.load(files)).isFalse();
    }

    @Test
    void shouldLeaveLoadingToRocksDbWhenNoteIsMissing() throws IOException {
        Path library = RocksDbLibrary.write(files).orElseThrow();
        Files.delete(library.resolveSibling(LIBRARY + ".source"));

        assertThat(RocksDbLibrary.load(files)).isFalse();
    }
}
