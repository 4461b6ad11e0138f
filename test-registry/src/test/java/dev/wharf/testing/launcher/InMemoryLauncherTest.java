package dev.wharf.testing.launcher;

import dev.wharf.testing.Http;
import dev.wharf.testing.OpenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --in-memory} keeps large blobs in temporary files whose names are gone as soon as they are open, so a
 * launcher killed without warning leaves nothing in its temporary directory.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows keeps an open file's name until it is closed")
class InMemoryLauncherTest {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path workingDirectory;

    @Test
    void shouldLeaveNoTemporaryFileWhenKilledHoldingALargeBlob() {
        Path temporary = workingDirectory.resolve("tmp"); // the child's java.io.tmpdir
        byte[] layer = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(layer);
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--in-memory", "--port", "0")) {
            URI base = launcher.awaitReady(START);
            assertThat(Http.pushBlob(base, "team/app", layer).statusCode()).isEqualTo(201);
            long pid = launcher.process().pid();
            assertThat(OpenFiles.blobFilesOpen(pid, temporary)).as("the layer's file, held open").isEqualTo(1);
            assertThat(OpenFiles.blobFileNames(temporary)).as("its name, removed at once").isEmpty();

            launcher.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(launcher.awaitExit(Duration.ofSeconds(10))).isNotZero();
        }
        assertThat(OpenFiles.blobFileNames(temporary)).isEmpty();
    }
}
