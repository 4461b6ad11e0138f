package dev.wharf.testing.mirror;

import dev.wharf.api.Upstream;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.mirror.MirrorFixtures.Image;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * containerd pulls through a Wharf mirror configured in its {@code hosts.toml} as a mirror of {@code a.example}:
 * containerd sends the source host as {@code ?ns=a.example}, and the mirror, which has no default upstream, can
 * only have served the content by routing on it. The upstream is a Wharf requiring the token flow. A private
 * containerd runs as root with its own root, state and socket under the test's directory.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ContainerdMirrorTest {
    private static final String HOST = "a.example";

    @TempDir
    Path work;

    private Process containerd;
    private Path socket;
    private TestRegistry upstream;
    private TestRegistry mirror;

    @BeforeEach
    void start() throws Exception {
        Optional<Path> daemon = onPath("containerd");
        Optional<Path> ctr = onPath("ctr");
        assumeTrue(daemon.isPresent() && ctr.isPresent(),
                "containerd is not installed on this machine (apt-get install containerd); .ci/run installs it for CI");
        assumeTrue("root".equals(System.getProperty("user.name")), "a private containerd needs root");
        upstream = TestRegistry.builder().tokenAuth("mirror", "mirror-secret").start();
        mirror = TestRegistry.builder().engine(engine -> engine.upstream(Upstream.of(HOST, upstream.baseUri())
                .withBasicAuth("mirror", "mirror-secret"))).start();

        socket = work.resolve("containerd.sock");
        Path config = work.resolve("config.toml");
        Files.writeString(config, """
                version = 2
                root = "%s"
                state = "%s"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]

                [grpc]
                  address = "%s"
                """.formatted(work.resolve("root"), work.resolve("state"), socket), StandardCharsets.UTF_8);
        containerd = new ProcessBuilder(daemon.get().toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ctr("version").ok()) {
            if (System.nanoTime() > deadline || !containerd.isAlive()) {
                throw new AssertionError("containerd did not start: " + Files.readString(work.resolve("containerd.log")));
            }
            Thread.sleep(100);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (containerd != null) {
            containerd.destroy();
            if (!containerd.waitFor(10, TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (mirror != null) {
            mirror.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void shouldPullAMultiArchIndexThroughTheMirrorByItsSourceHostName() throws Exception {
        Image index = MirrorFixtures.pushIndex(upstream.registry(), "lib/multi", "v1");
        Path hosts = Files.createDirectories(work.resolve("certs.d").resolve(HOST));
        Files.writeString(hosts.resolve("hosts.toml"), """
                server = "https://%s"

                [host."%s"]
                  capabilities = ["pull", "resolve"]
                """.formatted(HOST, mirror.baseUri()), StandardCharsets.UTF_8);

        Result fetched = ctr("content", "fetch", "--hosts-dir", work.resolve("certs.d").toString(), "--all-platforms",
                HOST + "/lib/multi:v1");
        assertThat(fetched.ok()).as(fetched.output()).isTrue();

        assertThat(ctr("content", "get", index.digest()).bytes()).isEqualTo(index.manifest());
        for (Image child : index.children()) {
            assertThat(ctr("content", "get", child.digest()).bytes()).isEqualTo(child.manifest());
            for (Map.Entry<String, byte[]> blob : child.blobs().entrySet()) {
                assertThat(ctr("content", "get", blob.getKey()).bytes()).as(blob.getKey()).isEqualTo(blob.getValue());
            }
        }
        // What containerd got came through the mirror, which now holds it under the source host.
        assertThat(mirror.registry().tags(dev.wharf.api.Caller.anonymous(),
                dev.wharf.api.RepositoryName.of(HOST + "/lib/multi"), Optional.empty(), 10).items())
                .extracting(dev.wharf.api.Tag::value).containsExactly("v1");
    }

    /** One run of ctr against the private containerd: exit status and everything it printed. */
    private record Result(int exit, byte[] bytes) {
        boolean ok() {
            return exit == 0;
        }

        String output() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private Result ctr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(onPath("ctr").orElseThrow().toString(), "--address",
                socket.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "ctr-", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ctr did not finish: " + command);
        }
        return new Result(p.exitValue(), Files.readAllBytes(out));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
