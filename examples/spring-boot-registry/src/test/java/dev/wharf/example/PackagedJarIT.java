package dev.wharf.example;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application, started as a user would ({@code java -Xmx256m -jar target/spring-boot-registry.jar
 * --server.port=0}) in a directory of its own: {@code /hello} answers beside the registry, an anonymous push is
 * refused with a Basic challenge, {@code alice} pushes a 200 MiB blob with a form-typed {@code PUT} in the 256 MiB
 * heap, and anyone pulls it back byte for byte. Run by failsafe after the jar is built ({@code mvn verify}); the jar
 * is the {@code example.jar} system property.
 */
class PackagedJarIT {
    private static final Pattern STARTED_ON = Pattern.compile("started on port (\\d+)");
    private static final String ALICE = "Basic " + Base64.getEncoder().encodeToString(
            "alice:secret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path work;

    private Process app;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws InterruptedException {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    /** Starts the jar and waits for the port it reports. */
    private String start() throws Exception {
        Path jar = Path.of(System.getProperty("example.jar", "target/spring-boot-registry.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged example (mvn package builds it)").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-jar", jar.toString(), "--server.port=0"));
        Path log = work.resolve("app.log");
        app = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log);
            Matcher started = STARTED_ON.matcher(output);
            if (started.find()) {
                return "http://127.0.0.1:" + started.group(1);
            }
            assertThat(app.isAlive()).as("the application is running:\n" + output).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("the application did not report its port:\n" + Files.readString(log));
    }

    @Test
    void shouldServeTheRegistryBesideTheApplicationFromThePackagedJar() throws Exception {
        String base = start();
        assertThat(Files.isDirectory(work.resolve("registry-data"))).as("the data directory of the properties")
                .isTrue();

        HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).isEqualTo(200);

        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(base
                + "/v2/big/blob/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic "));
        assertThat(anonymous.body()).contains("\"code\":\"UNAUTHORIZED\"");

        HttpResponse<Void> session = client.send(HttpRequest.newBuilder(URI.create(base
                        + "/v2/big/blob/blobs/uploads/")).header("Authorization", ALICE)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(session.statusCode()).isEqualTo(202);
        String digest = AnonymousPullTest.digest();
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(base
                        + session.headers().firstValue("Location").orElseThrow() + "?digest=" + digest))
                .header("Authorization", ALICE).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        AnonymousPullTest::content), 200L << 20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        HttpResponse<InputStream> pulled = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/big/blob/blobs/"
                + digest)).build(), HttpResponse.BodyHandlers.ofInputStream());
        AnonymousPullTest.assertPulledWhole(pulled, digest);
    }
}
