package dev.wharf.testing.clients;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.testing.WharfRegistryExtension;
import dev.wharf.testing.clients.OciLayout.Blob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * skopeo's registry commands against Wharf, as against any registry: {@code inspect} (raw manifest, raw
 * config, the parsed summary), {@code list-tags} (across pages) and {@code delete}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SkopeoCommandsTest {

    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder().build();

    @TempDir
    Path work;

    private Skopeo skopeo;
    private OciLayout source;
    private Blob image;
    private Blob other;

    @BeforeEach
    void arrange() {
        skopeo = Skopeo.orSkip(work);
        source = OciLayout.create(work.resolve("source"));
        image = source.image("amd64", 2, 7);
        source.tag(image, "app");
        other = source.image("amd64", 1, 8);
        source.tag(other, "other");
    }

    @Test
    void shouldPrintStoredManifestAndConfigWhenInspected() {
        String repo = "inspect/app";
        push("app", repo, "1.0");
        push("app", repo, "stable");

        String raw = skopeo.run("inspect", "--tls-verify=false", "--raw", docker(repo + ":1.0")).assertSuccess().stdout();
        assertThat(raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(source.blob(image.digest()));

        String configDigest = source.json(image.digest()).path("config").path("digest").asText();
        String config = skopeo.run("inspect", "--tls-verify=false", "--config", "--raw", docker(repo + ":1.0"))
                .assertSuccess().stdout();
        assertThat(config.getBytes(StandardCharsets.UTF_8)).isEqualTo(source.blob(configDigest));

        JsonNode summary = OciLayout.parse(skopeo.run("inspect", "--tls-verify=false",
                docker(repo + "@" + image.digest())).assertSuccess().stdout().getBytes(StandardCharsets.UTF_8));
        assertThat(summary.path("Digest").asText()).isEqualTo(image.digest());
        assertThat(summary.path("Architecture").asText()).isEqualTo("amd64");
        assertThat(summary.path("Os").asText()).isEqualTo("linux");
        assertThat(texts(summary.path("RepoTags"))).containsExactly("1.0", "stable");
        assertThat(texts(summary.path("Layers"))).isEqualTo(texts(source.json(image.digest()).path("layers"), "digest"));
    }

    @Test
    void shouldListEveryTagAcrossPagesWhenTagsAreListed() {
        String repo = "tags/many";
        push("app", repo, "seed");
        // 150 tags: more than one page of Wharf's default 100, so skopeo must follow the Link header.
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String tag = String.format("v%03d", i);
            putManifest(repo, tag, source.blob(image.digest()));
            expected.add(tag);
        }
        expected.add(0, "seed"); // Wharf lists tags in ASCII order

        JsonNode listed = OciLayout.parse(skopeo.run("list-tags", "--tls-verify=false", docker(repo))
                .assertSuccess().stdout().getBytes(StandardCharsets.UTF_8));

        assertThat(listed.path("Repository").asText()).isEqualTo(registry.hostPort() + "/" + repo);
        assertThat(texts(listed.path("Tags"))).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldAnswerManifestUnknownWhenInspectingAfterDeleteByDigest() {
        String repo = "delete/by-digest";
        push("app", repo, "1.0");
        push("other", repo, "keep");

        skopeo.run("delete", "--tls-verify=false", docker(repo + "@" + image.digest())).assertSuccess();

        assertThat(skopeo.run("inspect", "--tls-verify=false", "--raw", docker(repo + "@" + image.digest()))
                .assertFailure().stderr()).contains("manifest unknown");
        assertThat(skopeo.run("inspect", "--tls-verify=false", "--raw", docker(repo + ":1.0"))
                .assertFailure().stderr()).contains("manifest unknown");
        assertThat(skopeo.run("inspect", "--tls-verify=false", "--raw", docker(repo + ":keep")).assertSuccess()
                .stdout().getBytes(StandardCharsets.UTF_8)).isEqualTo(source.blob(other.digest()));
        assertThat(tags(repo)).containsExactly("keep");
    }

    @Test
    void shouldDeleteTheManifestWithAllItsTagsWhenSkopeoDeletesByTag() {
        // skopeo resolves the tag and sends DELETE by digest: the manifest goes, with every tag on it.
        String repo = "delete/by-tag";
        push("app", repo, "1.0");
        push("app", repo, "latest");
        push("other", repo, "keep");

        skopeo.run("delete", "--tls-verify=false", docker(repo + ":1.0")).assertSuccess();

        assertThat(skopeo.run("inspect", "--tls-verify=false", "--raw", docker(repo + ":latest"))
                .assertFailure().stderr()).contains("manifest unknown");
        assertThat(tags(repo)).containsExactly("keep");
    }

    // ---- helpers ----

    private void push(String name, String repo, String tag) {
        skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source.root() + ":" + name,
                docker(repo + ":" + tag)).assertSuccess();
    }

    private List<String> tags(String repo) {
        return texts(OciLayout.parse(skopeo.run("list-tags", "--tls-verify=false", docker(repo)).assertSuccess()
                .stdout().getBytes(StandardCharsets.UTF_8)).path("Tags"));
    }

    private String docker(String reference) {
        return "docker://" + registry.hostPort() + "/" + reference;
    }

    /** Tags a manifest already in the repository, over plain HTTP (faster than 150 skopeo runs). */
    private static void putManifest(String repo, String tag, byte[] manifest) {
        HttpRequest put = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/" + repo + "/manifests/" + tag))
                .header("Content-Type", OciLayout.MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(put, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }
}
