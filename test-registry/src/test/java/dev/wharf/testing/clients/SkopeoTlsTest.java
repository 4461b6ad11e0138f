package dev.wharf.testing.clients;

import dev.wharf.testing.WharfRegistryExtension;
import dev.wharf.testing.clients.OciLayout.Blob;
import dev.wharf.testing.clients.RegistryReads.Read;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * skopeo against a registry serving HTTPS with a throwaway CA, verifying its certificate as it would any
 * registry's (no {@code --tls-verify=false}): trusted through a certificate directory holding the CA as
 * {@code ca.crt}, skopeo's convention for {@code --dest-cert-dir} and {@code --src-cert-dir}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SkopeoTlsTest {
    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder().tls().build();

    @TempDir
    Path work;

    private Skopeo skopeo;
    private OciLayout source;
    private Blob image;
    private Path certificates;

    @BeforeEach
    void arrange() throws IOException {
        skopeo = Skopeo.orSkip(work);
        source = OciLayout.create(work.resolve("source"));
        image = source.image("amd64", 2, 7);
        source.tag(image, "app");
        certificates = Files.createDirectories(work.resolve("certs.d"));
        registry.testRegistry().writeCaCertificate(certificates.resolve("ca.crt"));
    }

    @Test
    void shouldCopyInAndOutVerifyingTheCertificateWhenTrustedThroughACertDirectory() {
        String reference = "docker://" + registry.hostPort() + "/skopeo/tls:1.0";
        skopeo.run("copy", "--preserve-digests", "--dest-cert-dir", certificates.toString(),
                "oci:" + source.root() + ":app", reference).assertSuccess();

        Read held = new RegistryReads(registry.baseUri(), registry.sslContext()).manifest("skopeo/tls", "1.0")
                .assertOk("the copied manifest, over HTTPS");
        assertThat(held.body()).isEqualTo(source.blob(image.digest()));
        assertThat(held.dockerContentDigest()).contains(image.digest());

        Path out = work.resolve("out");
        skopeo.run("copy", "--src-cert-dir", certificates.toString(), reference, "oci:" + out + ":app").assertSuccess();
        OciLayout copied = OciLayout.open(out);
        assertThat(copied.tagged("app")).contains(image);
        for (String digest : source.blobDigests()) {
            assertThat(copied.blob(digest)).as("blob %s", digest).isEqualTo(source.blob(digest));
        }
    }

    @Test
    void shouldRefuseTheRegistryWhenItsCaIsNotTrusted() {
        Skopeo.Result refused = skopeo.run("inspect", "--raw", "docker://" + registry.hostPort() + "/skopeo/tls:absent")
                .assertFailure();

        assertThat(refused.stderr()).contains("x509").containsIgnoringCase("unknown authority");
    }
}
