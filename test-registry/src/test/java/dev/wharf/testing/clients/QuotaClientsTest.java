package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.testing.clients.OciLayout.Blob;
import dev.wharf.testing.launcher.LauncherProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * skopeo against the launcher started with {@code --quota} and {@code --deny-media-type}: a push into a namespace
 * over its quota fails and skopeo shows the user the quota message; a push elsewhere succeeds; a denied media type
 * fails with the policy's message.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class QuotaClientsTest {
    @TempDir
    Path work;

    private Skopeo skopeo;
    private LauncherProcess launcher;
    private URI base;
    private OciLayout source;

    @BeforeEach
    void arrange() throws Exception {
        skopeo = Skopeo.orSkip(work);
        source = OciLayout.create(work.resolve("source"));
        Blob image = source.image("amd64", 3, 7); // three layers of 4 to 10 KiB of random bytes
        source.tag(image, "app");
        launcher = LauncherProcess.start(Files.createDirectories(work.resolve("launcher")), List.of("-Xmx256m"),
                "--in-memory", "--port", "0", "--quota", "team/**=16KiB",
                "--deny-media-type", "application/vnd.docker.distribution.manifest.v2+json");
        base = launcher.awaitReady(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (launcher != null) {
            launcher.close();
        }
    }

    private String docker(String repo, String tag) {
        return "docker://" + base.getAuthority() + "/" + repo + ":" + tag;
    }

    @Test
    void shouldShowTheQuotaMessageWhenAPushWouldCrossTheQuota() throws Exception {
        Skopeo.Result refused = skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + source.root() + ":app", docker("team/app", "1.0")).assertFailure();
        System.out.println("skopeo over quota: " + refused.stderr().strip());
        assertThat(refused.stderr()).contains("quota exceeded: team/** may store 16 KiB");

        JsonNode usage = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                base.resolve("/v2/_wharf/ext/usage?scope=team/**")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(usage.path("used").path("bytes").asLong()).isLessThanOrEqualTo(16 * 1024);
        assertThat(usage.path("limits").path("bytes").asLong()).isEqualTo(16 * 1024);

        skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source.root() + ":app",
                docker("other/app", "1.0")).assertSuccess();
    }

    @Test
    void shouldShowThePolicyMessageWhenAMediaTypeIsDenied() {
        Skopeo.Result refused = skopeo.run("copy", "--format", "v2s2", "--dest-tls-verify=false",
                "oci:" + source.root() + ":app", docker("other/docker", "1.0")).assertFailure();
        System.out.println("skopeo denied media type: " + refused.stderr().strip());
        assertThat(refused.stderr()).contains(
                "does not accept mediaType 'application/vnd.docker.distribution.manifest.v2+json'");
    }
}
