package dev.wharf.testing.launcher;

import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upload sessions over HTTP across a restart of the launcher (a child JVM on one data directory): what a 202
 * acknowledged is still there whether the registry was stopped or killed, and a session idle past its
 * expiry is gone with its staged bytes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UploadSessionRestartTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);
    private static final String REPO = "resumed/app";

    @TempDir
    Path work;

    /** How the first registry ends. */
    enum Stop {
        SIGTERM, SIGKILL
    }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void shouldContinueUploadWhenRegistryRestartsAfterStop(Stop stop) throws IOException {
        byte[] blob = Content.randomBytes(300_000);
        String digest = Content.sha256(blob);
        String location = onFirstRegistry(stop, http -> {
            Response chunk = http.patch(http.startUpload(REPO), Content.slice(blob, 0, 100_000),
                    "Content-Range", "0-99999");
            assertThat(chunk.status()).as(chunk::describe).isEqualTo(202);
            return chunk.header("Location").orElseThrow();
        });

        try (LauncherProcess second = start()) {
            RegistryHttp http = new RegistryHttp(second.awaitReady(START));
            Response status = http.get(location);
            assertThat(status.status()).as(status::describe).isEqualTo(204);
            assertThat(status.header("Range")).hasValue("0-99999");

            Response rest = http.patch(location, Content.slice(blob, 100_000, blob.length),
                    "Content-Range", "100000-299999");
            assertThat(rest.status()).as(rest::describe).isEqualTo(202);
            assertThat(rest.header("Range")).hasValue("0-299999");
            Response done = http.put(RegistryHttp.withQuery(rest.header("Location").orElseThrow(), "digest=" + digest),
                    new byte[0]);
            assertThat(done.status()).as(done::describe).isEqualTo(201);
            assertThat(done.header("Docker-Content-Digest")).hasValue(digest);

            Response read = http.get("/v2/" + REPO + "/blobs/" + digest);
            assertThat(read.status()).as(read::describe).isEqualTo(200);
            assertThat(Content.sha256(read.body())).isEqualTo(digest);
            assertThat(read.body()).isEqualTo(blob);
        }
        assertThat(stagingFiles()).isEmpty();
    }

    /**
     * A session that has acknowledged no bytes: its small blob's staged write was never recorded (a monolithic push
     * of a blob stored inline records none), so the second registry continues it on a new staged write.
     */
    @ParameterizedTest
    @EnumSource(Stop.class)
    void shouldContinueASessionThatAcknowledgedNothingWhenRegistryRestarts(Stop stop) throws IOException {
        byte[] blob = Content.randomBytes(4096);
        String digest = Content.sha256(blob);
        String location = onFirstRegistry(stop, http -> http.startUpload(REPO));

        try (LauncherProcess second = start()) {
            RegistryHttp http = new RegistryHttp(second.awaitReady(START));
            Response status = http.get(location);
            assertThat(status.status()).as(status::describe).isEqualTo(204);
            assertThat(status.header("Range")).as("nothing acknowledged").hasValue("0-0");
            Response done = http.put(RegistryHttp.withQuery(location, "digest=" + digest), blob);
            assertThat(done.status()).as(done::describe).isEqualTo(201);
            Response read = http.get("/v2/" + REPO + "/blobs/" + digest);
            assertThat(read.status()).as(read::describe).isEqualTo(200);
            assertThat(read.body()).isEqualTo(blob);
        }
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void shouldForgetSessionAndItsStagedBytesWhenRestartedAfterItExpired() throws Exception {
        String location;
        long acknowledged;
        try (LauncherProcess first = start("--upload-expiry", "2")) {
            RegistryHttp http = new RegistryHttp(first.awaitReady(START));
            // Over the inline limit (64 KiB), so the acknowledged bytes are a staging file.
            Response chunk = http.patch(http.startUpload(REPO), Content.randomBytes(100_000), "Content-Range", "0-99999");
            acknowledged = System.nanoTime();
            assertThat(chunk.status()).as(chunk::describe).isEqualTo(202);
            location = chunk.header("Location").orElseThrow();
            assertThat(stagingFiles()).singleElement().satisfies(file -> assertThat(Files.size(file)).isEqualTo(100_000));
            stop(first, Stop.SIGKILL);
        }
        long idle = Duration.ofMillis(2_500).toNanos() - (System.nanoTime() - acknowledged);
        if (idle > 0) {
            TimeUnit.NANOSECONDS.sleep(idle);
        }

        try (LauncherProcess second = start("--upload-expiry", "2")) {
            RegistryHttp http = new RegistryHttp(second.awaitReady(START));
            Response status = http.get(location);
            assertThat(status.status()).as(status::describe).isEqualTo(404);
            assertThat(status.text()).contains("\"BLOB_UPLOAD_UNKNOWN\"");
            assertThat(stagingFiles()).isEmpty();

            String fresh = http.startUpload(REPO);
            assertThat(http.get(fresh).status()).as("a new session within its expiry is served").isEqualTo(204);
        }
    }

    /** Runs {@code steps} on a first registry, ends it as {@code stop} says, and returns what the steps returned. */
    private String onFirstRegistry(Stop stop, Function<RegistryHttp, String> steps) {
        try (LauncherProcess first = start()) {
            String location = steps.apply(new RegistryHttp(first.awaitReady(START)));
            stop(first, stop);
            return location;
        }
    }

    private LauncherProcess start(String... options) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--data-dir", dataDirectory().toString()));
        args.addAll(List.of(options));
        return LauncherProcess.start(work, List.of(), args.toArray(String[]::new));
    }

    private Path dataDirectory() {
        return work.resolve("data");
    }

    private static void stop(LauncherProcess launcher, Stop stop) {
        if (stop == Stop.SIGTERM) {
            launcher.process().destroy();
            assertThat(launcher.awaitExit(STOP)).as(launcher.describe()).isIn(0, 143);
        } else {
            launcher.process().destroyForcibly();
            assertThat(launcher.awaitExit(STOP)).as(launcher.describe()).isEqualTo(137);
        }
    }

    private List<Path> stagingFiles() throws IOException {
        try (Stream<Path> files = Files.list(dataDirectory().resolve("staging"))) {
            return files.toList();
        }
    }
}
