package dev.wharf.testing.launcher;

import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --backup-to}: refused while a registry runs on the directory, a consistent copy once it is
 * stopped, and a copy that a registry serves again after it is copied back into place.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LauncherBackupTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);
    private static final String REPO = "backed/up";

    @TempDir
    Path work;

    /** What an in-process {@code Launcher.run} printed and returned. */
    private record Outcome(int status, String out, String err) {
    }

    @Test
    void shouldRefuseWhileRunningThenBackUpStoppedRegistryThatServesAgainWhenRestored() throws IOException {
        Path data = work.resolve("data");
        Path backup = work.resolve("backup");
        // The image's small blobs and a small chunk live in the metadata checkpoint; a blob and a chunk over the
        // inline limit are files, hard-linked and copied.
        byte[] large = Content.randomBytes(70_000);
        byte[] partial = Content.randomBytes(70_000);
        byte[] smallPartial = Content.randomBytes(1000);
        PushedImage image;
        String session;
        String smallSession;
        String largeDigest;
        try (LauncherProcess registry = startOn(data)) {
            RegistryHttp http = new RegistryHttp(registry.awaitReady(START));
            image = http.pushImage(REPO, "v1");
            largeDigest = http.pushBlob(REPO, large);
            session = http.startUpload(REPO);
            Response chunk = http.patch(session, partial, "Content-Range", "0-69999");
            assertThat(chunk.status()).as(chunk::describe).isEqualTo(202);
            smallSession = http.startUpload(REPO);
            Response smallChunk = http.patch(smallSession, smallPartial, "Content-Range", "0-999");
            assertThat(smallChunk.status()).as(smallChunk::describe).isEqualTo(202);

            Outcome refused = backup(data, backup);
            assertThat(refused.status()).as(refused::toString).isEqualTo(1);
            assertThat(refused.err()).startsWith("wharf-registry: the registry in " + data + " is running")
                    .contains("stop it first", "RocksDbMetadataStore.checkpoint");
            assertThat(backup).doesNotExist();

            registry.process().destroy(); // SIGTERM: a clean stop
            assertThat(registry.awaitExit(STOP)).as(registry.describe()).isIn(0, 143);
        }

        Outcome done = backup(data, backup);
        assertThat(done.status()).as(done::toString).isZero();
        assertThat(done.out()).isEqualTo("Backed up " + data + " to " + backup + ": metadata checkpoint, 1 blob(s)"
                + " (1 hard-linked, 0 copied), 1 staged upload file(s)\n");
        assertThat(done.err()).isEmpty();
        assertThat(backup.resolve("metadata").resolve("CURRENT")).isRegularFile();
        for (Path blob : files(data.resolve("blobs"))) {
            assertThat(Files.isSameFile(blob, backup.resolve(data.relativize(blob)))).as("hard link of " + blob).isTrue();
        }
        List<Path> staged = files(data.resolve("staging"));
        assertThat(staged).singleElement().satisfies(file -> {
            Path copy = backup.resolve(data.relativize(file));
            assertThat(copy).hasBinaryContent(partial);
            assertThat(Files.isSameFile(file, copy)).as("staged bytes still change: copied, never linked").isFalse();
        });

        Path restored = work.resolve("restored");
        copyTree(backup, restored);
        try (LauncherProcess registry = startOn(restored)) {
            RegistryHttp http = new RegistryHttp(registry.awaitReady(START));
            Response manifest = http.get("/v2/" + REPO + "/manifests/v1");
            assertThat(manifest.status()).as(manifest::describe).isEqualTo(200);
            assertThat(manifest.body()).isEqualTo(image.manifest());
            Response layer = http.get("/v2/" + REPO + "/blobs/" + image.layers().get(1).digest());
            assertThat(layer.body()).isEqualTo(image.layerBytes().get(1));
            assertThat(http.get("/v2/" + REPO + "/blobs/" + largeDigest).body()).isEqualTo(large);
            Response status = http.get(session);
            assertThat(status.status()).as(status::describe).isEqualTo(204);
            assertThat(status.header("Range")).hasValue("0-69999");
            Response smallStatus = http.get(smallSession);
            assertThat(smallStatus.status()).as(smallStatus::describe).isEqualTo(204);
            assertThat(smallStatus.header("Range")).hasValue("0-999");
        }
    }

    @Test
    void shouldRefuseWhenTargetIsNotEmptyOrDataDirectoryHoldsNoRegistry() throws IOException {
        Path data = work.resolve("data");
        Path target = Files.createDirectories(work.resolve("occupied"));
        Files.writeString(target.resolve("keep.txt"), "mine");
        try (LauncherProcess registry = startOn(data)) {
            registry.awaitReady(START);
            registry.process().destroyForcibly(); // SIGKILL: the store must back up without a clean close
            registry.awaitExit(STOP);
        }

        Outcome occupied = backup(data, target);
        assertThat(occupied.status()).isEqualTo(1);
        assertThat(occupied.err()).isEqualTo("wharf-registry: " + target
                + " already exists and is not empty; back up into a new directory\n");
        assertThat(target.resolve("keep.txt")).hasContent("mine");

        Outcome empty = backup(work.resolve("nothing-here"), work.resolve("b"));
        assertThat(empty.status()).isEqualTo(1);
        assertThat(empty.err()).startsWith("wharf-registry: no registry in " + work.resolve("nothing-here"));

        Outcome afterKill = backup(data, work.resolve("after-kill"));
        assertThat(afterKill.status()).as(afterKill::toString).isZero();
    }

    private LauncherProcess startOn(Path data) {
        return LauncherProcess.start(work, List.of(), "--port", "0", "--data-dir", data.toString());
    }

    private static Outcome backup(Path data, Path target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.run(new String[] {"--data-dir", data.toString(), "--backup-to", target.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** Restoring is copying the backup back into place (here into a fresh directory), as {@code cp -a} would. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source));
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
