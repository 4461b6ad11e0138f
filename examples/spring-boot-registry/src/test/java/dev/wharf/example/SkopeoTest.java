package dev.wharf.example;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * skopeo against the example as its {@code application.properties} configures it: pushes an image as {@code alice},
 * is refused without credentials (and with a wrong password), and pulls the image back anonymously, byte for byte.
 * Skipped, saying so, where skopeo is not installed ({@code .ci/run} installs it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SkopeoTest {
    @LocalServerPort
    int port;

    @TempDir
    Path work;

    record Result(int exit, String output) {
    }

    private Result skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("skopeo.log").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("skopeo finished").isTrue();
        return new Result(process.exitValue(), Files.readString(work.resolve("skopeo.log")));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Writes a blob into an OCI layout's blob directory; returns its descriptor's JSON. */
    private static String blob(Path layout, String mediaType, byte[] bytes) throws Exception {
        String hex = sha256(bytes);
        Files.write(layout.resolve("blobs/sha256/" + hex), bytes);
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"sha256:" + hex + "\",\"size\":" + bytes.length + "}";
    }

    @Test
    void shouldPushAsAliceAndPullAnonymously() throws Exception {
        boolean installed;
        try {
            installed = new ProcessBuilder("skopeo", "--version").start().waitFor() == 0;
        } catch (java.io.IOException e) {
            installed = false;
        }
        Assumptions.assumeTrue(installed, "skopeo is not installed here (.ci/run installs it)");

        Path layout = Files.createDirectories(work.resolve("layout"));
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        byte[] layer = new byte[64 * 1024];
        new Random(3).nextBytes(layer);
        String config = blob(layout, "application/vnd.oci.image.config.v1+json",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8));
        String layerDescriptor = blob(layout, "application/vnd.oci.image.layer.v1.tar+gzip", layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + config + ",\"layers\":[" + layerDescriptor + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestDescriptor = blob(layout, "application/vnd.oci.image.manifest.v1+json", manifest);
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                + manifestDescriptor.replace("}", ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"app\"}}")
                + "]}");

        String target = "docker://127.0.0.1:" + port + "/team/app:1.0";
        Result anonymous = skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":app", target);
        assertThat(anonymous.exit()).as(anonymous.output()).isNotZero();
        // Basic: "authentication required"; the token flow: the anonymous token does not grant push.
        assertThat(anonymous.output().toLowerCase(java.util.Locale.ROOT))
                .containsAnyOf("authentication required", "does not grant");
        Result wrong = skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:wrong",
                "oci:" + layout + ":app", target);
        assertThat(wrong.exit()).as(wrong.output()).isNotZero();
        Result pushed = skopeo("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "alice:secret",
                "oci:" + layout + ":app", target);
        assertThat(pushed.exit()).as(pushed.output()).isZero();

        Path out = work.resolve("out");
        Result pulled = skopeo("copy", "--preserve-digests", "--src-tls-verify=false", target, "oci:" + out + ":app");
        assertThat(pulled.exit()).as(pulled.output()).isZero();
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + sha256(layer)))).isEqualTo(layer);
        assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + sha256(manifest)))).isEqualTo(manifest);
    }
}
