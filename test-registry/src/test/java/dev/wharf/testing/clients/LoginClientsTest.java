package dev.wharf.testing.clients;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.wharf.testing.clients.OciLayout.Blob;
import dev.wharf.servlet.auth.HtpasswdFile;
import dev.wharf.testing.Http;
import dev.wharf.testing.PemFixtures;
import dev.wharf.testing.launcher.LauncherProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * Real clients log in over TLS and push and pull, against the launcher run as an operator would run it: with
 * {@code --htpasswd} (Basic) and with {@code --htpasswd --token-auth} (the token flow, its own token service), each
 * with {@code --tls-cert}/{@code --tls-key}. skopeo with {@code --creds} and with {@code login}, Jib with
 * credentials, the ORAS Java SDK with credentials; each also fails with a wrong password. skopeo verifies the CA
 * through a certificate directory; Jib and ORAS, which read the JVM's trust store, are told to skip verification
 * and still speak TLS. What they pushed is read back over HTTPS with the same credentials.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LoginClientsTest {
    private static final String USER = "ci";
    private static final String PASSWORD = "ci-secret-1";

    /** The two ways the launcher makes clients log in. */
    enum Login {
        BASIC("--htpasswd", "<users>"),
        TOKEN("--htpasswd", "<users>", "--token-auth");

        private final String[] flags;

        Login(String... flags) {
            this.flags = flags;
        }
    }

    /** A running launcher and how to reach it. */
    private record Launched(LauncherProcess process, URI base) {
        String hostPort() {
            return base.getAuthority();
        }
    }

    private static final Map<Login, Launched> LAUNCHERS = new EnumMap<>(Login.class);
    private static PemFixtures.ServerFiles tls;
    private static Path shared;

    @TempDir
    Path work;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        shared = dir;
        tls = PemFixtures.serverFiles(dir);
        Path users = Files.writeString(dir.resolve("users.htpasswd"),
                USER + ":" + HtpasswdFile.hash(PASSWORD.toCharArray(), 4) + "\n");
        for (Login login : Login.values()) {
            List<String> args = new ArrayList<>(List.of("--in-memory", "--port", "0", "--tls-cert",
                    tls.chain().toString(), "--tls-key", tls.key().toString()));
            for (String flag : login.flags) {
                args.add(flag.equals("<users>") ? users.toString() : flag);
            }
            LauncherProcess process = LauncherProcess.start(dir, List.of(), args.toArray(String[]::new));
            LAUNCHERS.put(login, new Launched(process, process.awaitReady(Duration.ofSeconds(60))));
        }
    }

    @AfterAll
    static void stop() {
        LAUNCHERS.values().forEach(launched -> launched.process().close());
    }

    private Path certificates() throws java.io.IOException {
        Path dir = Files.createDirectories(work.resolve("certs.d"));
        PemFixtures.writeCertificates(dir.resolve("ca.crt"), tls.ca());
        return dir;
    }

    /** GET over HTTPS as the user: with Basic credentials, or with a token for {@code repository}'s pull scope. */
    private static HttpResponse<byte[]> getAs(Login login, String repository, String path) {
        HttpClient client = HttpClient.newBuilder().sslContext(PemFixtures.trusting(tls.ca())).build();
        URI base = LAUNCHERS.get(login).base();
        String basic = Http.basic(USER, PASSWORD);
        try {
            String authorization = basic;
            if (login == Login.TOKEN) {
                HttpResponse<String> token = client.send(HttpRequest.newBuilder(base.resolve(
                        "/token?service=wharf-registry&scope=repository:" + repository + ":pull"))
                        .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
                authorization = "Bearer " + token.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
            }
            return client.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", authorization)
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json,"
                            + "application/vnd.docker.distribution.manifest.v2+json").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Login.class)
    void shouldPushAndPullWithSkopeoCredsAndLogin(Login login) throws Exception {
        Skopeo skopeo = Skopeo.orSkip(work);
        Launched registry = LAUNCHERS.get(login);
        String certs = certificates().toString();
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
        Launched registry = LAUNCHERS.get(login);
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
        HttpResponse<byte[]> held = getAs(login, repository, "/v2/" + repository + "/manifests/1.0");
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.getDigest().toString());
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
        Launched registry = LAUNCHERS.get(login);
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
        HttpResponse<byte[]> held = getAs(login, "oras/login-" + login.name().toLowerCase(),
                "/v2/oras/login-" + login.name().toLowerCase() + "/manifests/v1");
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.getDigest());
    }
}
