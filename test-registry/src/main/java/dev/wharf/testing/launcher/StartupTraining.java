package dev.wharf.testing.launcher;

import dev.wharf.testing.TestRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes the files that make the launcher start fast beside its jar ({@link StartupFiles}); the build runs it once
 * the jar is packaged:
 *
 * <pre>
 * java -XX:ArchiveClassesAtExit=/opt/wharf/wharf-registry.jsa -cp /opt/wharf/wharf-registry.jar \
 *      dev.wharf.testing.launcher.StartupTraining
 * </pre>
 *
 * <p>It copies RocksDB's native library out of the jar ({@link RocksDbLibrary}), then starts a registry the way
 * the launcher does, on a temporary data directory and a free port, and sends it what a client's first minute
 * sends: the version check, a blob pushed in one request and in two, pulled and stat'ed, a manifest pushed and
 * pulled by tag, the tag list, the catalog and a request for something missing. It then stops the registry and
 * exits, and the JVM writes every class loaded so far into the archive. Run by hand, it writes the files beside
 * a jar that was moved; the archive only serves the jar at the path it was written for, on the same JDK, and
 * the JVM records that path as {@code -cp} gave it: a relative one holds only in the directory it was run in,
 * which this class warns about.
 *
 * <p>Where RocksDB has no library for the platform, it trains an in-memory registry instead. Exit status 1 when
 * the library cannot be copied, or the registry cannot be started or answers the workload wrongly.
 */
public final class StartupTraining {
    private static final String REPOSITORY = "training/app";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private StartupTraining() {
    }

    /** Writes the native library copy, trains, exits; see {@link StartupTraining}. */
    public static void main(String[] args) throws IOException {
        Launcher.lightLocaleData(); // as the launcher's main does, so the archive holds the classes a start loads
        PrintStream out = System.out;
        Optional<StartupFiles> files = StartupFiles.ofRunningJar();
        if (files.isEmpty()) {
            System.err.println("StartupTraining: run it from wharf-registry.jar (java -cp wharf-registry.jar ...)");
            System.exit(Launcher.EXIT_FAILURE);
        }
        if (!Path.of(System.getProperty("java.class.path")).isAbsolute()) {
            System.err.println("StartupTraining: warning: the class path is relative, so the archive will serve "
                    + "the jar only when the JVM is started in " + Path.of("").toAbsolutePath()
                    + "; give -cp " + files.get().jar() + " instead");
        }
        Optional<Path> library = RocksDbLibrary.write(files.get());
        // Where RocksDB has no library for the platform, a durable registry cannot start: train an in-memory one.
        boolean durable = library.isPresent();
        out.println(library.map(copy -> "StartupTraining: copied RocksDB's library to " + copy).orElse(
                "StartupTraining: RocksDB has no library for this platform; training an in-memory registry"));
        Path data = Files.createTempDirectory("wharf-training-");
        int status = 0;
        try {
            LauncherOptions options = LauncherOptions.parse(durable
                    ? new String[] {"--port", "0", "--data-dir", data.toString()}
                    : new String[] {"--port", "0", "--in-memory"});
            try (TestRegistry registry = Launcher.start(options, options.registryOptions(), System.err).orElseThrow(() ->
                    new IllegalStateException("the registry did not start"))) {
                workload(registry.baseUri());
            }
            out.println("StartupTraining: trained; the JVM writes the archive as it exits");
        } catch (RuntimeException e) {
            System.err.println("StartupTraining: " + e);
            status = Launcher.EXIT_FAILURE;
        } finally {
            deleteTree(data);
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    private static void workload(URI base) {
        byte[] layer = "a layer pushed while training the launcher's class-data archive\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String layerDigest = sha256(layer);
        String configDigest = sha256(config);
        String blobs = "/v2/" + REPOSITORY + "/blobs/";

        expect(200, send(base, "GET", "/v2/", null, null));
        expect(201, send(base, "POST", blobs + "uploads/?digest=" + configDigest, null, config));
        Exchange session = send(base, "POST", blobs + "uploads/", null, null);
        expect(202, session);
        String location = session.location().orElseThrow(() -> new IllegalStateException("202 without Location"));
        String separator = location.contains("?") ? "&" : "?";
        expect(201, send(base, "PUT", location + separator + "digest=" + layerDigest, null, layer));
        expect(200, send(base, "HEAD", blobs + layerDigest, null, null));
        expect(200, send(base, "GET", blobs + layerDigest, null, null));

        String manifest = """
                {"schemaVersion":2,"mediaType":"%s",\
                "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":%d},\
                "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}"""
                .formatted(OCI_MANIFEST, configDigest, config.length, layerDigest, layer.length);
        String manifests = "/v2/" + REPOSITORY + "/manifests/";
        expect(201, send(base, "PUT", manifests + "latest", OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8)));
        expect(200, send(base, "HEAD", manifests + "latest", null, null));
        expect(200, send(base, "GET", manifests + "latest", null, null));
        expect(200, send(base, "GET", "/v2/" + REPOSITORY + "/tags/list", null, null));
        expect(200, send(base, "GET", "/v2/_catalog", null, null));
        expect(404, send(base, "GET", manifests + "missing", null, null));
    }

    /** One answer: its status and where it points. */
    private record Exchange(int status, Optional<String> location, String request) {
    }

    private static Exchange send(URI base, String method, String path, String contentType, byte[] body) {
        try {
            HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            connection.setRequestMethod(method);
            if (contentType != null) {
                connection.setRequestProperty("Content-Type", contentType);
            }
            if (body != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return new Exchange(status, Optional.ofNullable(connection.getHeaderField("Location")), method + " " + path);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        }
    }

    private static void expect(int status, Exchange exchange) {
        if (exchange.status() != status) {
            throw new IllegalStateException(exchange.request() + " answered " + exchange.status() + ", not " + status);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
