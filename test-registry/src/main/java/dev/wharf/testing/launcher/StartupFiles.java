package dev.wharf.testing.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where the files that make the launcher start fast lie: beside its jar, named after it. The build writes them
 * ({@link StartupTraining}) next to {@code test-registry/target/wharf-registry.jar}:
 *
 * <pre>
 * wharf-registry.jar           the launcher
 * wharf-registry.jsa           class-data archive of what a start loads: java -XX:SharedArchiveFile=... -jar ...
 * wharf-registry-native/       RocksDB's native library, so a start need not extract it ({@link RocksDbLibrary})
 * </pre>
 *
 * <p>The launcher runs without them, only more slowly; a jar moved elsewhere needs them written again there.
 *
 * @param jar the launcher's jar, absolute
 */
record StartupFiles(Path jar) {
    private static final String JAR_SUFFIX = ".jar";

    /** The files beside the jar this class was loaded from; empty when it was loaded from a directory. */
    static Optional<StartupFiles> ofRunningJar() {
        CodeSource source = StartupFiles.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
            return location.getFileName().toString().endsWith(JAR_SUFFIX) && Files.isRegularFile(location)
                    ? Optional.of(new StartupFiles(location))
                    : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) { // not a file: URL
            return Optional.empty();
        }
    }

    /** The class-data sharing archive, {@code NAME.jsa} for {@code NAME.jar}. */
    Path archive() {
        return jar.resolveSibling(baseName() + ".jsa");
    }

    /** The directory holding the copy of RocksDB's native library, {@code NAME-native/}. */
    Path nativeDirectory() {
        return jar.resolveSibling(baseName() + "-native");
    }

    /** The command that starts this jar with its archive, as README and {@code --help} give it. */
    String fastCommand() {
        return "java -XX:SharedArchiveFile=" + archive() + " -jar " + jar;
    }

    private String baseName() {
        String name = jar.getFileName().toString();
        return name.endsWith(JAR_SUFFIX) ? name.substring(0, name.length() - JAR_SUFFIX.length()) : name;
    }
}
