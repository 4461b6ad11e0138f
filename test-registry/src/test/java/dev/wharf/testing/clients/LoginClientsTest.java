package dev.wharf.testing.clients;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.clients.OciLayout.Blob;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real clients log in over TLS and push and pull, against a registry that takes Basic credentials and against one
 * that speaks the token flow with its own token service: skopeo with {@code --creds} and with {@code login}, Jib
 * with credentials, the ORAS Java SDK with credentials. Each also fails with a wrong password. The registries verify
 * the CA as any client would (skopeo through a certificate directory); Jib and ORAS, which read the JVM's trust
 * store, are told to skip verification and still speak TLS.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoginClientsTest {
    private static final String USER = "ci";
    private static final String PASSWORD = "ci-secret-1";

    /** The two ways a registry makes clients log in. */
    enum Login {
        BASIC {
            @Override
            TestRegistry.Builder apply(TestRegistry.Builder builder) {
                return builder.basicAuth(USER, PASSWORD);
            }
        },
        TOKEN {
            @Override
            TestRegistry.Builder apply(TestRegistry.Builder builder) {
                return builder.tokenAuth(USER, PASSWORD);
            }
        };

        abstract TestRegistry.Builder apply(TestRegistry.Builder builder);
    }

    private static final java.util.Map<Login, TestRegistry> REGISTRIES = new java.util.EnumMap<>(Login.class);

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        for (Login login : Login.values()) {
            REGISTRIES.put(login, login.apply(TestRegistry.builder().tls()).start());
        }
    }

    @AfterAll
    static void stop() {
        REGISTRIES.values().forEach(TestRegistry::close);
    }

    private Path certificates(TestRegistry registry) throws Exception {
        Path dir = Files.createDirectories(work.resolve("certs.d"));
        registry.writeCaCertificate(dir.resolve("ca.crt"));
        return dir;
    }

    @ParameterizedTest
    @EnumSource(Login.class)
    void shouldPushAndPullWithSkopeoCredsAndLogin(Login login) throws Exception {
        Skopeo skopeo = Skopeo.orSkip(work);
        TestRegistry registry = REGISTRIES.get(login);
        String certs = certificates(registry).toString();
        OciLayout source = OciLayout.create(work.resolve("source"));
        Blob image = source.image("amd64", 2, 31);
        source.tag(image, "app");
        String reference = "docker://" + registry.hostPort() + "/skopeo/login-" + login.name().toLowerCase() + ":1.0";

        Skopeo.Result refused = skopeo.run("copy", "--dest-cert-dir", certs, "--dest-creds", USER + ":wrong",
                "oci:" + source.root() + ":app", reference).assertFailure();
        assertThat(refused.stderr()).containsIgnoringCase("unauthorized");
        skopeo.run("copy", "--preserve-digests", "--dest-cert-dir", certs, "--dest-creds", USER + ":" + PASSWORD,
                "oci:" + source.root() + ":app", reference).assertSuccess();

        Path auth = work.resolve("auth.json");
        skopeo.run("login", "--cert-dir", certs, "--authfile", auth.toString(), "--username", USER, "--password",
                "wrong", registry.hostPort()).assertFailure();
        skopeo.run("login", "--cert-dir", certs, "--authfile", auth.toString(), "--username", USER, "--password",
                PASSWORD, registry.hostPort()).assertSuccess();
        Path out = work.resolve("out");
        skopeo.run("copy", "--src-cert-dir", certs, "--src-authfile", auth.toString(), reference,
                "oci:" + out + ":app").assertSuccess();
        OciLayout copied = OciLayout.open(out);
        assertThat(copied.tagged("app")).contains(image);
        for (String digest : source.blobDigests()) {
            assertThat(copied.blob(digest)).as("blob %s", digest).isEqualTo(source.blob(digest));
        }
        // Without credentials the registry refuses the pull outright.
        skopeo.run("copy", "--src-cert-dir", certs, reference, "oci:" + work.resolve("anonymous") + ":app")
                .assertFailure();
    }

    @ParameterizedTest
    @EnumSource(Login.class)
    void shouldPushWithJibCredentials(Login login) throws Exception {
        TestRegistry registry = REGISTRIES.get(login);
        String reference = registry.hostPort() + "/jib/login-" + login.name().toLowerCase() + ":1.0";
        Path file = Files.writeString(Files.createDirectories(work.resolve("layer")).resolve("greeting.txt"),
                "hello from jib\n");
        FileEntriesLayer layer = FileEntriesLayer.builder().setName("app")
                .addEntry(file, AbsoluteUnixPath.get("/app/greeting.txt")).build();

        assertThatThrownBy(() -> Jib.fromScratch().addFileEntriesLayer(layer)
                .containerize(containerizer(RegistryImage.named(reference).addCredential(USER, "wrong"))))
                .isInstanceOfAny(RegistryUnauthorizedException.class, // Basic: the push is refused
                        RegistryAuthenticationFailedException.class); // token flow: the token service refuses
        JibContainer pushed = Jib.fromScratch().addFileEntriesLayer(layer)
                .containerize(containerizer(RegistryImage.named(reference).addCredential(USER, PASSWORD)));

        String repository = reference.substring(reference.indexOf('/') + 1, reference.lastIndexOf(':'));
        dev.wharf.api.Manifest held = registry.registry().manifest(Caller.anonymous(), RepositoryName.of(repository),
                Tag.of("1.0"));
        assertThat(held.digest()).isEqualTo(Digest.parse(pushed.getDigest().toString()));
    }

    private Containerizer containerizer(RegistryImage target) {
        return Containerizer.to(target)
                .setAllowInsecureRegistries(true) // TLS, but Jib reads the JVM's trust store, which lacks our CA
                .setBaseImageLayersCache(work.resolve("jib-cache/base"))
                .setApplicationLayersCache(work.resolve("jib-cache/app"))
                .setToolName("wharf-tests");
    }

    @ParameterizedTest
    @EnumSource(Login.class)
    void shouldPushAndPullWithTheOrasSdksCredentials(Login login) throws Exception {
        TestRegistry registry = REGISTRIES.get(login);
        ContainerRef ref = ContainerRef.parse(registry.hostPort() + "/oras/login-" + login.name().toLowerCase() + ":v1");
        Path data = Files.writeString(work.resolve("data.txt"), "an artifact behind a login\n");
        Registry wrong = Registry.builder().defaults(USER, "wrong").withSkipTlsVerify(true).build();
        assertThatThrownBy(() -> wrong.pushArtifact(ref, ArtifactType.from("application/vnd.wharf.test"),
                LocalPath.of(data, "text/plain"))).isInstanceOf(RuntimeException.class);

        Registry oras = Registry.builder().defaults(USER, PASSWORD).withSkipTlsVerify(true).build();
        Manifest pushed = oras.pushArtifact(ref, ArtifactType.from("application/vnd.wharf.test"),
                LocalPath.of(data, "text/plain"));
        Path pulled = Files.createDirectories(work.resolve("pulled"));
        oras.pullArtifact(ref, pulled, true);
        assertThat(Files.readString(pulled.resolve("data.txt"), StandardCharsets.UTF_8))
                .isEqualTo("an artifact behind a login\n");
        assertThat(pushed.getDigest()).startsWith("sha256:");
    }
}
