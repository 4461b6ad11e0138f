package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.clients.OciLayout.Blob;
import dev.wharf.testing.launcher.LauncherProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * skopeo pulls through the launcher run as a mirror (its {@code --config} file naming {@code a.example}'s URL and
 * credentials file) of a
 * Wharf that requires the token flow: by the source host in the path, and as a {@code registries.conf} mirror
 * of {@code a.example}. skopeo (1.9) does not send {@code ?ns=} to a mirror, so the launcher also has
 * {@code --default-upstream a.example}: names it does not hold go to that upstream. Each copy is byte for byte
 * what was pushed upstream, index and every platform included.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MirrorClientsTest {
    private static final String USER = "mirror";
    private static final String PASSWORD = "mirror-secret-1";
    private static final String SOURCE_HOST = "a.example";

    @TempDir
    Path work;

    private Skopeo skopeo;
    private TestRegistry upstream;
    private LauncherProcess mirror;
    private URI mirrorUri;
    private OciLayout source;
    private Blob index;

    @BeforeEach
    void arrange() throws IOException {
        skopeo = Skopeo.orSkip(work);
        upstream = TestRegistry.builder().tokenAuth(USER, PASSWORD).start();
        source = OciLayout.create(work.resolve("source"));
        Map<String, Blob> platforms = new LinkedHashMap<>();
        for (String arch : List.of("amd64", "arm64")) {
            platforms.put(arch, source.image(arch, 2, arch.hashCode()));
        }
        index = source.index(platforms);
        source.tag(index, "multi");
        skopeo.run("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds",
                USER + ":" + PASSWORD, "oci:" + source.root() + ":multi",
                "docker://" + upstream.hostPort() + "/lib/app:multi").assertSuccess();

        Path launcherDir = Files.createDirectories(work.resolve("launcher"));
        Files.writeString(launcherDir.resolve("upstream-login.txt"), USER + ":" + PASSWORD + "\n",
                StandardCharsets.UTF_8);
        Path config = Files.writeString(launcherDir.resolve("wharf.yaml"), """
                mirror:
                  upstreams:
                    - host: %s
                      url: %s
                      credentialsFile: upstream-login.txt
                """.formatted(SOURCE_HOST, upstream.baseUri()), StandardCharsets.UTF_8);
        mirror = LauncherProcess.start(launcherDir, List.of("-Xmx256m"), "--in-memory", "--port", "0",
                "--config", config.toString(), "--default-upstream", SOURCE_HOST);
        mirrorUri = mirror.awaitReady(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (mirror != null) {
            mirror.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void shouldCopyAnImageThroughTheMirrorWithTheSourceHostInThePath() {
        Path out = work.resolve("out-path");
        skopeo.run("copy", "--all", "--src-tls-verify=false",
                "docker://" + mirrorUri.getAuthority() + "/" + SOURCE_HOST + "/lib/app:multi",
                "oci:" + out + ":multi").assertSuccess();
        assertSameAsUpstream(OciLayout.open(out));
    }

    @Test
    void shouldServeAsTheRegistriesConfMirrorOfTheSourceHost() throws IOException {
        Path conf = work.resolve("registries.conf");
        Files.writeString(conf, """
                unqualified-search-registries = []

                [[registry]]
                prefix = "%1$s"
                location = "%1$s"

                [[registry.mirror]]
                location = "%2$s"
                insecure = true
                """.formatted(SOURCE_HOST, mirrorUri.getAuthority()), StandardCharsets.UTF_8);
        Path out = work.resolve("out-mirror");
        Skopeo.Result copied = skopeo.run("--registries-conf", conf.toString(), "copy", "--all",
                "docker://" + SOURCE_HOST + "/lib/app:multi", "oci:" + out + ":multi").assertSuccess();
        assertSameAsUpstream(OciLayout.open(out));
        assertThat(copied.stderr()).doesNotContain("falling back");
    }

    /** The copy holds exactly the index, platform manifests, configs and layers that were pushed upstream. */
    private void assertSameAsUpstream(OciLayout out) {
        assertThat(out.tagged("multi")).contains(index);
        List<String> expected = referencedBy(source, index);
        assertThat(out.blobDigests()).containsExactlyInAnyOrderElementsOf(expected);
        for (String digest : expected) {
            assertThat(out.blob(digest)).as("blob %s", digest).isEqualTo(source.blob(digest));
        }
    }

    private static List<String> referencedBy(OciLayout layout, Blob root) {
        List<String> out = new ArrayList<>();
        out.add(root.digest());
        JsonNode json = layout.json(root.digest());
        for (JsonNode child : json.path("manifests")) {
            out.addAll(referencedBy(layout, new Blob(child.path("mediaType").asText(),
                    child.path("digest").asText(), child.path("size").asLong())));
        }
        if (json.has("config")) {
            out.add(json.path("config").path("digest").asText());
        }
        json.path("layers").forEach(l -> out.add(l.path("digest").asText()));
        return out;
    }
}
