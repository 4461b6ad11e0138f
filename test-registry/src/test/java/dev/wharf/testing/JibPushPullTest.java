package dev.wharf.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jib core, a real client, pushes a three-layer image over plain HTTP; every byte is then read back with
 * java.net.http and checked against what Jib computed. Two more Jib builds use the pushed image as their
 * base, once by digest and once by tag, which pulls its manifest and config through Wharf and carries its
 * layers into other repositories.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JibPushPullTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder().build();

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void shouldServeEveryByteJibPushedWhenPulledByTagAndDigest(ImageFormat format) throws Exception {
        String repository = "wharf/jib-" + format.name().toLowerCase(Locale.ROOT);
        JibContainerBuilder image = Jib.fromScratch()
                .setFormat(format)
                .addFileEntriesLayer(layer("config", "etc/app/app.properties", text("greeting=hello\n")))
                .addFileEntriesLayer(layer("binary", "opt/app/data.bin", random(1 << 20, 42)))
                .addFileEntriesLayer(layer("docs", "usr/share/doc/app/README", text("Wharf push test\n".repeat(500))))
                .setEntrypoint("/opt/app/run");

        JibContainer pushed = image.containerize(containerizer(registry.hostPort() + "/" + repository + ":1.0"));

        URI base = registry.baseUri();
        String mediaType = manifestMediaType(format);
        HttpResponse<byte[]> byTag = getManifest(base, repository, "1.0", mediaType);
        assertThat(byTag.statusCode()).isEqualTo(200);
        assertThat(byTag.headers().firstValue("Content-Type")).hasValue(mediaType);
        assertThat(Http.sha256Digest(byTag.body())).isEqualTo(pushed.getDigest().toString());
        assertThat(byTag.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.getDigest().toString());

        HttpResponse<byte[]> byDigest = getManifest(base, repository, pushed.getDigest().toString(), mediaType);
        assertThat(byDigest.statusCode()).isEqualTo(200);
        assertThat(byDigest.body()).isEqualTo(byTag.body());

        JsonNode manifest = JSON.readTree(byTag.body());
        assertThat(manifest.path("mediaType").asText(mediaType)).isEqualTo(mediaType);
        JsonNode config = manifest.path("config");
        assertThat(config.path("digest").asText()).isEqualTo(pushed.getImageId().toString());
        byte[] configBytes = assertBlobMatches(base, repository, config);
        assertThat(JSON.readTree(configBytes).path("rootfs").path("diff_ids")).hasSize(3);

        List<String> layerDigests = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            assertBlobMatches(base, repository, layer);
            layerDigests.add(layer.path("digest").asText());
        }
        assertThat(layerDigests).hasSize(3).doesNotHaveDuplicates();

        // Pull through Jib itself: the pushed image, by digest, as the base of a new image elsewhere.
        String copyRepository = repository + "-copy";
        JibContainer copy = Jib.from(RegistryImage.named(registry.hostPort() + "/" + repository + "@" + pushed.getDigest()))
                .setFormat(format)
                .containerize(containerizer(registry.hostPort() + "/" + copyRepository + ":latest"));
        JsonNode copied = JSON.readTree(getManifest(base, copyRepository, copy.getDigest().toString(), mediaType).body());
        List<String> copiedLayers = new ArrayList<>();
        for (JsonNode layer : copied.path("layers")) {
            assertBlobMatches(base, copyRepository, layer);
            copiedLayers.add(layer.path("digest").asText());
        }
        assertThat(copiedLayers).isEqualTo(layerDigests);

        // And by tag: Jib resolves 1.0 through Wharf to the same manifest, so the result is the same image.
        JibContainer byTagCopy = Jib.from(RegistryImage.named(registry.hostPort() + "/" + repository + ":1.0"))
                .setFormat(format)
                .containerize(containerizer(registry.hostPort() + "/" + repository + "-by-tag:latest"));
        assertThat(byTagCopy.getDigest()).isEqualTo(copy.getDigest());
        JsonNode copiedByTag = JSON.readTree(getManifest(base, repository + "-by-tag", "latest", mediaType).body());
        assertThat(copiedByTag.path("config").path("digest").asText()).isEqualTo(copy.getImageId().toString());
        for (JsonNode layer : copiedByTag.path("layers")) {
            assertBlobMatches(base, repository + "-by-tag", layer);
        }

        // Pushing the same image again finds every blob present and yields the same digest.
        JibContainer again = image.containerize(containerizer(registry.hostPort() + "/" + repository + ":1.0"));
        assertThat(again.getDigest()).isEqualTo(pushed.getDigest());
    }

    /** GETs the blob a descriptor names; asserts its length and sha256 against the descriptor. */
    private static byte[] assertBlobMatches(URI base, String repository, JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        long size = descriptor.path("size").asLong(-1);
        HttpResponse<byte[]> blob = Http.get(base.resolve("/v2/" + repository + "/blobs/" + digest));

        assertThat(blob.statusCode()).as("GET blob %s", digest).isEqualTo(200);
        assertThat((long) blob.body().length).as("size of %s", digest).isEqualTo(size);
        assertThat(Http.sha256Digest(blob.body())).as("sha256 of %s", digest).isEqualTo(digest);
        assertThat(blob.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        return blob.body();
    }

    private static HttpResponse<byte[]> getManifest(URI base, String repository, String reference, String accept) {
        return Http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", accept)
                .GET()
                .build());
    }

    private Containerizer containerizer(String reference) throws Exception {
        return Containerizer.to(RegistryImage.named(reference))
                .setAllowInsecureRegistries(true) // plain HTTP to 127.0.0.1
                .setBaseImageLayersCache(work.resolve("jib-cache/base"))
                .setApplicationLayersCache(work.resolve("jib-cache/app"))
                .setToolName("wharf-tests");
    }

    private FileEntriesLayer layer(String name, String target, byte[] content) throws IOException {
        Path source = work.resolve("layers").resolve(name).resolve(target);
        Files.createDirectories(source.getParent());
        Files.write(source, content);
        return FileEntriesLayer.builder()
                .setName(name)
                .addEntry(source, AbsoluteUnixPath.get("/" + target))
                .build();
    }

    private static String manifestMediaType(ImageFormat format) {
        return switch (format) {
            case Docker -> "application/vnd.docker.distribution.manifest.v2+json";
            case OCI -> "application/vnd.oci.image.manifest.v1+json";
        };
    }

    private static byte[] text(String content) {
        return content.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
