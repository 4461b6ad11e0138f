package dev.wharf.testing.launcher;

import dev.wharf.servlet.suite.RawHttp;
import dev.wharf.testing.Http;
import dev.wharf.testing.PemFixtures;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher as a user runs it: a separate JVM, its exit status, its output, its signals. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LauncherTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);

    @TempDir
    Path workingDirectory;

    @Test
    void shouldPrintUsageAndExitZeroWhenAskedForHelp() {
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--help")) {
            assertThat(launcher.awaitExit(START)).as(launcher.describe()).isZero();
            assertThat(launcher.stdout())
                    .startsWith("Usage: java -jar wharf-registry.jar")
                    .contains("--port N", "--host H", "--data-dir DIR", "--in-memory", "--upload-expiry D",
                            "--backup-to BACKUP", "--help")
                    .contains("DIR/metadata (RocksDB)", "survives a restart");
            assertThat(launcher.stderr()).isEmpty();
        }
        assertThat(workingDirectory.resolve("registry-data")).doesNotExist();
    }

    @Test
    void shouldExitTwoWithMessageAndUsageOnStderrWhenOptionIsUnknown() {
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--prot", "5000")) {
            assertThat(launcher.awaitExit(START)).as(launcher.describe()).isEqualTo(2);
            assertThat(launcher.stderr())
                    .startsWith("wharf-registry: unknown option '--prot'")
                    .contains("Usage: java -jar wharf-registry.jar");
            assertThat(launcher.stdout()).isEmpty();
        }
    }

    @Test
    void shouldExitOneWhenPortIsTaken() {
        try (TestRegistry occupant = TestRegistry.start();
             LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(),
                     "--in-memory", "--port", Integer.toString(occupant.port()))) {
            assertThat(launcher.awaitExit(START)).as(launcher.describe()).isEqualTo(1);
            assertThat(launcher.stderr()).contains("cannot listen on 127.0.0.1:" + occupant.port());
            assertThat(launcher.stdout()).isEmpty();
        }
    }

    @Test
    void shouldServeFromDefaultDataDirectoryAndStopCleanlyWhenSentSigterm() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--port", "0")) {
            URI base = launcher.awaitReady(START);
            Path dataDirectory = workingDirectory.resolve("registry-data").toRealPath();
            assertThat(launcher.readyData(START)).isEqualTo(dataDirectory.toString());
            assertThat(base.toString()).matches("http://127\\.0\\.0\\.1:\\d+");

            HttpResponse<byte[]> ping = Http.get(base.resolve("/v2/"));
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");

            // Larger than the inline limit (64 KiB), so it is a file under blobs/.
            byte[] blob = "kept on disk by the launcher\n".repeat(3000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(Http.pushBlob(base, "launcher/blob", blob).statusCode()).isEqualTo(201);
            assertThat(filesUnder(dataDirectory.resolve("blobs")))
                    .singleElement().satisfies(file -> assertThat(file).hasBinaryContent(blob));
            assertThat(dataDirectory.resolve("metadata").resolve("CURRENT")).isRegularFile();
            assertThat(dataDirectory.resolve("staging")).isEmptyDirectory();

            long stopRequested = System.nanoTime();
            launcher.process().destroy(); // SIGTERM
            int status = launcher.awaitExit(STOP);
            assertThat(status).as(launcher.describe()).isIn(0, 143);
            assertThat(Duration.ofNanos(System.nanoTime() - stopRequested)).isLessThan(Duration.ofSeconds(5));
            assertThat(launcher.stdout()).hasLineCount(1);
            // Quiet logging: a provider is present (no SLF4J warning) and Jetty's INFO lines are off.
            assertThat(launcher.stderr()).doesNotContain("SLF4J").doesNotContain("INFO").doesNotContain("Exception");
        }
    }

    @Test
    void shouldExitOneWhenAnotherRegistryUsesTheDataDirectory() throws Exception {
        try (LauncherProcess running = LauncherProcess.start(workingDirectory, List.of(), "--port", "0")) {
            running.awaitReady(START);
            try (LauncherProcess second = LauncherProcess.start(workingDirectory, List.of(), "--port", "0")) {
                assertThat(second.awaitExit(START)).as(second.describe()).isEqualTo(1);
                assertThat(second.stderr()).startsWith("wharf-registry: cannot open metadata store in "
                        + workingDirectory.toRealPath().resolve("registry-data").resolve("metadata"))
                        .contains("in use by another process");
                assertThat(second.stdout()).isEmpty();
            }
            assertThat(running.process().isAlive()).isTrue();
        }
    }

    @Test
    void shouldWriteNothingToDiskWhenInMemory() {
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(),
                "--in-memory", "--port=0", "--host", "localhost")) {
            URI base = launcher.awaitReady(START);
            assertThat(launcher.readyData(START)).isEqualTo("in-memory");
            assertThat(base.toString()).matches("http://localhost:\\d+");
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).isEqualTo(200);
            // Refused by Jetty before the servlet runs, still in the registry's error envelope.
            assertError(RawHttp.sendVerbatim(base, "GET", "GET /v2/a%2Fb/tags/list HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .orElseThrow(), 400, "UNSUPPORTED");
            assertThat(launcher.process().isAlive()).isTrue();
        }
        assertThat(workingDirectory.resolve("registry-data")).doesNotExist();
    }

    @Test
    void shouldServeHttpsWithTheGivenPemFilesWhenTlsFlagsAreGiven() {
        PemFixtures.ServerFiles files = PemFixtures.serverFiles(workingDirectory);
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--in-memory", "--port", "0",
                "--tls-cert", "chain.pem", "--tls-key", "key.pem")) {
            URI base = launcher.awaitReady(START);
            assertThat(base.toString()).matches("https://127\\.0\\.0\\.1:\\d+");

            HttpResponse<byte[]> ping = Http.send(Http.client(PemFixtures.trusting(files.ca())),
                    HttpRequest.newBuilder(base.resolve("/v2/")).build());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.sslSession()).isPresent();
            assertThatThrownBy(() -> Http.get(base.resolve("/v2/"))).as("a client trusting the JDK's CAs only")
                    .hasCauseInstanceOf(SSLHandshakeException.class);
            assertThat(launcher.process().isAlive()).isTrue();
            assertThat(launcher.stderr()).isEmpty();
        }
    }

    @Test
    void shouldExitTwoNamingTheFileWhenTheCertificateHasExpired() throws Exception {
        PemFixtures.Issued ca = PemFixtures.ca("Launcher Test CA", PemFixtures.ecKeys("secp256r1"));
        Instant expired = Instant.parse("2025-06-30T00:00:00Z");
        PemFixtures.Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"),
                expired.minus(Duration.ofDays(90)), expired);
        Path chain = PemFixtures.writeCertificates(workingDirectory.resolve("chain.pem"), server.certificate());
        PemFixtures.writePkcs8(workingDirectory.resolve("key.pem"), server.keys());

        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory, List.of(), "--in-memory",
                "--tls-cert", "chain.pem", "--tls-key", "key.pem")) {
            assertThat(launcher.awaitExit(START)).as(launcher.describe()).isEqualTo(2);
            assertThat(launcher.stderr()).isEqualTo("wharf-registry: certificate chain file " + chain.toRealPath()
                    + " the server's certificate (CN=localhost) expired on 2025-06-30T00:00:00Z\n");
            assertThat(launcher.stdout()).isEmpty();
        }
    }

    @Test
    void shouldServeWithoutStartingJmxWhenStarted() throws Exception {
        Path classLog = workingDirectory.resolve("classes.log");
        try (LauncherProcess launcher = LauncherProcess.start(workingDirectory,
                List.of("-Xlog:class+load=info:file=" + classLog), "--port", "0")) {
            URI base = launcher.awaitReady(START);
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).isEqualTo(200);
        }
        // Jetty asks the platform MBean server whether references are compressed unless told; starting JMX
        // for that was a tenth of the launcher's start.
        assertThat(Files.readAllLines(classLog)).as("classes loaded")
                .anyMatch(line -> line.contains(" org.eclipse.jetty.util.MemoryUtils "))
                .noneMatch(line -> line.contains(" javax.management."));
    }

    @Test
    void shouldExitOneWithReasonWhenTrainingRunsOutsideJar() {
        try (LauncherProcess training = LauncherProcess.startMain(workingDirectory, List.of(),
                System.getProperty("java.class.path"), StartupTraining.class.getName())) {
            assertThat(training.awaitExit(START)).as(training.describe()).isEqualTo(1);
            assertThat(training.stderr()).contains("run it from wharf-registry.jar");
        }
    }

    private static List<Path> filesUnder(Path directory) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
