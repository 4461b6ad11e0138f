package dev.wharf.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 protocol server for tests: s3proxy's self-contained jar (copied into {@code target/s3proxy} by the
 * build, from Maven Central) run in its own process on 127.0.0.1, keeping objects in files under a temporary
 * directory. One server serves the whole test JVM and stops when it exits; cases keep apart by key prefix or
 * bucket. Other modules' tests use it through this module's test jar, with the system property
 * {@code wharf.s3proxy.jar} naming the jar.
 */
public final class S3ProxyServer {
    /** The access key the server accepts. */
    public static final String ACCESS_KEY = "wharf-test";
    /** The secret key the server accepts. */
    public static final String SECRET_KEY = "wharf-test-secret";

    private static S3ProxyServer shared;

    private final URI endpoint;
    private final Process process;

    private S3ProxyServer(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    /** The JVM's server, started on first use. */
    public static synchronized S3ProxyServer shared() throws IOException, InterruptedException {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    private static S3ProxyServer start() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("wharf.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no s3proxy jar at " + jar.toAbsolutePath()
                    + ": run the tests through Maven, which copies it there");
        }
        Path dir = Files.createTempDirectory("wharf-s3proxy");
        Path data = Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = dir.resolve("s3proxy.conf");
        Files.write(properties, List.of(
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + data));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
                c.setConnectTimeout(500);
                c.getResponseCode();
                c.disconnect();
                return new S3ProxyServer(endpoint, process);
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("s3proxy did not answer on " + endpoint + " within 30 s");
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return endpoint;
    }

    /** Options that reach this server: its endpoint, path-style, its credentials. */
    public S3BlobStore.Options options() {
        return S3BlobStore.Options.defaults()
                .endpoint(endpoint)
                .region("us-east-1")
                .pathStyle(true)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    /** A client of this server, for tests that look at the bucket themselves; the caller closes it. */
    public software.amazon.awssdk.services.s3.S3Client client() {
        return options().buildClient();
    }

    /** Creates {@code bucket} unless it exists. */
    public void createBucket(String bucket) {
        try (var client = client()) {
            try {
                client.headBucket(b -> b.bucket(bucket));
            } catch (software.amazon.awssdk.services.s3.model.S3Exception absent) {
                client.createBucket(b -> b.bucket(bucket));
            }
        }
    }
}
