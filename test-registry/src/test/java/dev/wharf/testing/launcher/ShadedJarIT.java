package dev.wharf.testing.launcher;

import dev.wharf.testing.Http;
import dev.wharf.testing.PemFixtures;
import org.rocksdb.util.Environment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code wharf-registry.jar}, run with {@code java -jar} as the README says (Failsafe runs
 * this after {@code package}). Proves what only the shaded jar can get wrong: the manifest's main class,
 * the merged {@code META-INF/services} that lets the API find the engine, and a logging provider; and what the
 * build writes beside it to start fast ({@link StartupFiles}): the class-data archive the JVM accepts for this
 * jar, and the copy of RocksDB's library that spares its extraction, or the extraction when that copy is broken.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ShadedJarIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    private static Path jar;

    @TempDir
    Path workingDirectory;

    @BeforeAll
    static void findJar() {
        String property = System.getProperty("wharf.launcherJar");
        assertThat(property).as("system property wharf.launcherJar (set by the Failsafe configuration)").isNotNull();
        jar = Path.of(property);
        assertThat(jar).isRegularFile();
    }

    @Test
    void shouldPrintUsageWhenAskedForHelp() {
        try (LauncherProcess launcher = LauncherProcess.startJar(workingDirectory, jar, "--help")) {
            assertThat(launcher.awaitExit(START)).as(launcher.describe()).isZero();
            assertThat(launcher.stdout()).startsWith("Usage: java -jar wharf-registry.jar");
        }
    }

    @Test
    void shouldWriteArchiveAndRocksDbLibraryBesideJarWhenPackaged() throws IOException {
        StartupFiles files = new StartupFiles(jar.toAbsolutePath());
        assertThat(files.archive()).isRegularFile();
        assertThat(Files.size(files.archive())).isGreaterThan(1 << 20);
        try (Stream<Path> copies = Files.list(files.nativeDirectory());
             JarFile jarFile = new JarFile(jar.toFile())) {
            long librarySize = jarFile.getJarEntry(Environment.getJniLibraryFileName("rocksdb")).getSize();
            assertThat(copies.map(Path::getFileName).map(Path::toString)).containsExactlyInAnyOrder(
                    Environment.getJniLibraryFileName("rocksdbjni"),
                    Environment.getJniLibraryFileName("rocksdbjni") + ".source");
            assertThat(files.nativeDirectory().resolve(Environment.getJniLibraryFileName("rocksdbjni")))
                    .hasSize(librarySize);
        }
    }

    @Test
    void shouldLoadClassesFromArchiveAndRocksDbFromBesideJarWhenStartedAsReadmeSays() throws IOException {
        StartupFiles files = new StartupFiles(jar.toAbsolutePath());
        Path classLog = workingDirectory.resolve("classes.log");
        // -Xshare:on: the JVM refuses to start, rather than run without it, when the archive does not fit the jar.
        List<String> jvm = List.of("-Xshare:on", "-XX:SharedArchiveFile=" + files.archive(),
                "-Xlog:class+load=info:file=" + classLog, "-Xmx128m", "-Xms32m", "-XX:+UseSerialGC");
        try (LauncherProcess launcher = LauncherProcess.startJar(workingDirectory, jvm, jar, "--port", "0")) {
            URI base = launcher.awaitReady(START);
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).isEqualTo(200);
            byte[] blob = "served by a launcher started from its archive\n".getBytes(StandardCharsets.UTF_8);
            assertThat(Http.pushBlob(base, "archived/start", blob).statusCode()).isEqualTo(201);

            launcher.process().destroy();
            assertThat(launcher.awaitExit(Duration.ofSeconds(10))).as(launcher.describe()).isIn(0, 143);
            assertThat(launcher.stdout()).as("no CDS warning beside the ready line").hasLineCount(1);
            assertThat(launcher.stderr()).isEmpty();
        }
        List<String> classes = Files.readAllLines(classLog);
        assertThat(classes).anyMatch(line -> line.contains(" " + Launcher.class.getName() + " source: shared objects file"));
        assertThat(classes).anyMatch(line -> line.contains(" org.eclipse.jetty.server.Server source: shared objects file"));
        assertThat(extractedRocksDbLibraries()).as("RocksDB loaded from beside the jar, not extracted").isEmpty();
    }

    @Test
    void shouldExtractRocksDbLibraryAsBeforeWhenCopyBesideJarCannotBeLoaded() throws IOException {
        // A copy of the jar whose library beside it is broken, though its note matches the jar's entry.
        Path moved = Files.createDirectories(workingDirectory.resolve("moved")).resolve(jar.getFileName());
        Files.copy(jar, moved);
        StartupFiles original = new StartupFiles(jar.toAbsolutePath());
        StartupFiles copy = new StartupFiles(moved);
        String library = Environment.getJniLibraryFileName("rocksdbjni");
        Files.createDirectories(copy.nativeDirectory());
        Files.write(copy.nativeDirectory().resolve(library),
                new byte[(int) Files.size(original.nativeDirectory().resolve(library))]);
        Files.copy(original.nativeDirectory().resolve(library + ".source"),
                copy.nativeDirectory().resolve(library + ".source"));

        try (LauncherProcess launcher = LauncherProcess.startJar(workingDirectory, moved, "--port", "0")) {
            URI base = launcher.awaitReady(START);
            byte[] blob = "served with RocksDB's own extraction\n".getBytes(StandardCharsets.UTF_8);
            assertThat(Http.pushBlob(base, "fallback/start", blob).statusCode()).isEqualTo(201);
            assertThat(extractedRocksDbLibraries()).hasSize(1);
            // The JVM may warn about the broken file it was asked to load; nothing else is said.
            assertThat(launcher.stderr()).doesNotContain("Exception").doesNotContain("wharf-registry:");
        }
    }

    @Test
    void shouldWriteStartupFilesBesideMovedJarWhenTrainingIsRunByHandAsReadmeSays() throws IOException {
        Path directory = Files.createDirectories(workingDirectory.resolve("moved"));
        Path moved = Files.copy(jar, directory.resolve(jar.getFileName()));
        StartupFiles files = new StartupFiles(moved);
        try (LauncherProcess training = LauncherProcess.startMain(directory,
                List.of("-XX:ArchiveClassesAtExit=" + files.archive(), "-Xlog:cds=error"), moved.toString(),
                StartupTraining.class.getName())) {
            assertThat(training.awaitExit(Duration.ofSeconds(90))).as(training.describe()).isZero();
        }
        assertThat(files.archive()).isRegularFile();
        assertThat(files.nativeDirectory().resolve(Environment.getJniLibraryFileName("rocksdbjni"))).isRegularFile();

        try (LauncherProcess launcher = LauncherProcess.startJar(workingDirectory,
                List.of("-Xshare:on", "-XX:SharedArchiveFile=" + files.archive()), moved, "--port", "0")) {
            URI base = launcher.awaitReady(START);
            assertThat(Http.get(base.resolve("/v2/")).statusCode()).isEqualTo(200);
            assertThat(extractedRocksDbLibraries()).isEmpty();
        }
    }

    @Test
    void shouldGiveArchiveCommandInHelpAndSayWhenRunWithoutIt() {
        StartupFiles files = new StartupFiles(jar.toAbsolutePath());
        try (LauncherProcess without = LauncherProcess.startJar(workingDirectory, jar, "--help")) {
            assertThat(without.awaitExit(START)).as(without.describe()).isZero();
            assertThat(without.stdout()).contains(files.fastCommand()).contains("This JVM runs without it.");
        }
        try (LauncherProcess with = LauncherProcess.startJar(workingDirectory,
                List.of("-XX:SharedArchiveFile=" + files.archive()), jar, "--help")) {
            assertThat(with.awaitExit(START)).as(with.describe()).isZero();
            assertThat(with.stdout()).contains(files.fastCommand()).doesNotContain("without it");
        }
    }

    /**
     * BouncyCastle reads the PEM files. Its jars are signed, and a signature file merged into the shaded jar would
     * fail every class of it with a SecurityException: the build strips them.
     */
    @Test
    void shouldServeHttpsFromTheJarWhenGivenPemFiles() throws IOException {
        PemFixtures.ServerFiles files = PemFixtures.serverFiles(workingDirectory);
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            assertThat(jarFile.stream().map(JarEntry::getName)).as("signature files")
                    .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
                    .contains("org/bouncycastle/openssl/PEMParser.class");
        }
        try (LauncherProcess launcher = LauncherProcess.startJar(workingDirectory, jar, "--in-memory", "--port", "0",
                "--tls-cert", files.chain().toString(), "--tls-key", files.key().toString())) {
            URI base = launcher.awaitReady(START);

            assertThat(base.getScheme()).isEqualTo("https");
            assertThat(Http.send(Http.client(PemFixtures.trusting(files.ca())),
                    HttpRequest.newBuilder(base.resolve("/v2/")).build()).statusCode()).isEqualTo(200);
            assertThat(launcher.stderr()).isEmpty();
        }
    }

    /** What RocksDB's own loader extracted into the child's temporary directory. */
    private List<Path> extractedRocksDbLibraries() throws IOException {
        try (Stream<Path> files = Files.list(LauncherProcess.temporaryDirectory(workingDirectory))) {
            return files.filter(file -> file.getFileName().toString().startsWith("librocksdbjni")).toList();
        }
    }

    @Test
    void shouldServePushesQuietlyAndStopOnSigtermWhenRunFromJar() {
        try (LauncherProcess launcher = LauncherProcess.startJar(workingDirectory, jar, "--port", "0")) {
            URI base = launcher.awaitReady(START);

            byte[] blob = "served from the shaded jar\n".getBytes(StandardCharsets.UTF_8);
            assertThat(Http.pushBlob(base, "jar/smoke", blob).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> pulled = Http.get(base.resolve("/v2/jar/smoke/blobs/" + Http.sha256Digest(blob)));
            assertThat(pulled.statusCode()).isEqualTo(200);
            assertThat(pulled.body()).isEqualTo(blob);

            // A manifest exercises the engine's JSON parsing, whose library must be in the jar too.
            String manifest = """
                    {"schemaVersion":2,"mediaType":"%s",\
                    "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},\
                    "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}"""
                    .formatted(OCI_MANIFEST, Http.sha256Digest(EMPTY_JSON), Http.sha256Digest(blob), blob.length);
            assertThat(Http.pushBlob(base, "jar/smoke", EMPTY_JSON).statusCode()).isEqualTo(201);
            HttpResponse<byte[]> put = Http.send(HttpRequest.newBuilder(base.resolve("/v2/jar/smoke/manifests/v1"))
                    .header("Content-Type", OCI_MANIFEST)
                    .PUT(HttpRequest.BodyPublishers.ofString(manifest))
                    .build());
            assertThat(put.statusCode()).as(Http.body(put) + launcher.describe()).isEqualTo(201);
            assertThat(Http.get(base.resolve("/v2/jar/smoke/manifests/v1")).body())
                    .isEqualTo(manifest.getBytes(StandardCharsets.UTF_8));

            launcher.process().destroy();
            assertThat(launcher.awaitExit(Duration.ofSeconds(10))).as(launcher.describe()).isIn(0, 143);
            assertThat(launcher.stdout()).hasLineCount(1);
            assertThat(launcher.stderr()).as("no SLF4J provider warning, no INFO logging").isEmpty();
        }
    }
}
