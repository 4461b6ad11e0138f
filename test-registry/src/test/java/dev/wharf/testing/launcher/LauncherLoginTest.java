package dev.wharf.testing.launcher;

import dev.wharf.servlet.auth.HtpasswdFile;
import dev.wharf.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher with logins, as an operator runs it: {@code --htpasswd} with an access file and an anonymous pull
 * glob, and {@code --token-auth}, each in its own process.
 */
class LauncherLoginTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final byte[] BLOB = "pushed by a logged-in user".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path work;

    private Path users() throws Exception {
        return Files.write(work.resolve("users.htpasswd"), List.of(
                "alice:" + HtpasswdFile.hash("alice-pw".toCharArray(), 4),
                "bob:" + HtpasswdFile.hash("bob-pw".toCharArray(), 4)));
    }

    private static HttpResponse<byte[]> send(String method, URI uri, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return Http.send(request.build());
    }

    private static URI push(URI base, String repo) {
        return base.resolve("/v2/" + repo + "/blobs/uploads/?digest=" + Http.sha256Digest(BLOB));
    }

    @Test
    void shouldEnforceTheAccessFileAndAnonymousPullWithBasicLogins() throws Exception {
        Path access = Files.writeString(work.resolve("access.yaml"), """
                access:
                  - users: [alice]
                    repositories: ["team/**"]
                    actions: ["*"]
                  - users: [bob]
                    repositories: ["team/**"]
                    actions: [pull, catalog]
                """);
        try (LauncherProcess launcher = LauncherProcess.start(work, List.of(), "--in-memory", "--port", "0",
                "--htpasswd", users().toString(), "--access", access.toString(), "--anonymous-pull", "team/public")) {
            URI base = launcher.awaitReady(START);
            HttpResponse<byte[]> alicePush = send("POST", push(base, "team/public"), BLOB, "Authorization",
                    Http.basic("alice", "alice-pw"));
            assertThat(alicePush.statusCode()).isEqualTo(201);
            assertThat(send("POST", push(base, "team/app"), BLOB, "Authorization", Http.basic("bob", "bob-pw"))
                    .statusCode()).isEqualTo(403);
            assertThat(send("POST", push(base, "team/app"), BLOB, "Authorization", Http.basic("bob", "wrong"))
                    .statusCode()).isEqualTo(401);
            URI blob = base.resolve("/v2/team/public/blobs/" + Http.sha256Digest(BLOB));
            assertThat(Http.get(blob).statusCode()).as("anonymous pull").isEqualTo(200);
            assertThat(send("GET", blob, new byte[0], "Authorization", Http.basic("bob", "bob-pw")).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> anonymousPush = send("POST", push(base, "team/public"), BLOB);
            assertThat(anonymousPush.statusCode()).isEqualTo(401);
            assertThat(anonymousPush.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"wharf\"");
            assertThat(launcher.stderr()).doesNotContain("alice-pw").doesNotContain("warning");
        }
    }

    @Test
    void shouldServeTheTokenFlowWithTokenAuth() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(work, List.of(), "--in-memory", "--port", "0",
                "--htpasswd", users().toString(), "--token-auth")) {
            URI base = launcher.awaitReady(START);
            HttpResponse<byte[]> ping = Http.get(base.resolve("/v2/"));
            assertThat(ping.statusCode()).isEqualTo(401);
            assertThat(ping.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer realm=\"" + base + "/token\",service=\"wharf-registry\"");
            URI tokenUri = base.resolve("/token?service=wharf-registry&scope="
                    + URLEncoder.encode("repository:team/app:pull,push", StandardCharsets.UTF_8));
            HttpResponse<byte[]> token = send("GET", tokenUri, new byte[0], "Authorization", Http.basic("alice", "alice-pw"));
            assertThat(token.statusCode()).isEqualTo(200);
            String jwt = new String(token.body(), StandardCharsets.UTF_8).replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
            assertThat(send("POST", push(base, "team/app"), BLOB, "Authorization", "Bearer " + jwt).statusCode())
                    .isEqualTo(201);
            assertThat(send("GET", tokenUri, new byte[0], "Authorization", Http.basic("alice", "nope")).statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void shouldExitTwoNamingTheFileWhenTheHtpasswdFileIsWrong() throws Exception {
        Path users = Files.writeString(work.resolve("users"), "alice:$apr1$abc$def\n");
        try (LauncherProcess launcher = LauncherProcess.start(work, List.of(), "--in-memory", "--port", "0",
                "--htpasswd", users.toString())) {
            assertThat(launcher.awaitExit(START)).as(launcher.describe()).isEqualTo(2);
            assertThat(launcher.stderr()).contains(users.toString() + " line 1").contains("not bcrypt");
        }
    }
}
