package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.api.Registry;
import dev.wharf.servlet.auth.Authenticator;
import dev.wharf.servlet.auth.BasicAuthenticator;
import dev.wharf.servlet.auth.BearerAuthenticator;
import dev.wharf.servlet.auth.LoginThrottle;
import dev.wharf.servlet.auth.Scope;
import dev.wharf.servlet.auth.TokenIssuer;
import dev.wharf.servlet.auth.TokenServlet;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.spi.Authorizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.wharf.servlet.LoginFixtures.PASSWORDS;
import static dev.wharf.servlet.LoginFixtures.POLICY;
import static dev.wharf.servlet.LoginFixtures.basic;
import static dev.wharf.servlet.LoginFixtures.normalized;
import static dev.wharf.servlet.LoginFixtures.users;
import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack table: on every container, with Basic passwords and with the token flow, two users with different
 * rights and an anonymous caller try every endpoint on a repository they may not read, once where it exists and
 * once where it does not. Each gets the refusal its kind of caller gets (403 DENIED for a known user, 401 with the
 * challenge for anonymous; under the token flow 401 naming the scope its token lacks), and the two answers are the
 * same in status, headers and body once the repository name is set aside: nothing says which one exists.
 *
 * <p>Rights are {@link LoginFixtures#POLICY}'s. The hidden repositories are
 * {@code bob/a} (holds an image and an open upload) and {@code bob/z} (never pushed), names of one length.
 */
class AuthenticationHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BEARER_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    enum Mode { BASIC, TOKEN }

    /** A running secured registry and the content arranged in it. */
    private record Arranged(Mode mode, RegistryHttp http, PushedImage bobs, PushedImage shared, String bobsUpload,
                            TokenIssuer issuer) {

        /** {@code user} (null for anonymous) sending a request the way a client does, logging in when challenged. */
        Response as(String user, String method, String path, byte[] body, String... headers) {
            List<String> all = new ArrayList<>(List.of(headers));
            if (mode == Mode.BASIC && user != null) {
                all.addAll(List.of("Authorization", basic(user, PASSWORDS.get(user))));
            }
            Response first = http.send(method, path, BodyPublishers.ofByteArray(body), all.toArray(String[]::new));
            Optional<String> challenge = first.header("WWW-Authenticate");
            if (mode == Mode.BASIC || first.status() != 401 || challenge.isEmpty()) {
                return first;
            }
            String token = fetchToken(user, challenge.get());
            all.addAll(List.of("Authorization", "Bearer " + token));
            return http.send(method, path, BodyPublishers.ofByteArray(body), all.toArray(String[]::new));
        }

        Response get(String user, String path) {
            return as(user, "GET", path, new byte[0]);
        }

        /** What a client does with a Bearer challenge: asks the realm for the scope it names. */
        String fetchToken(String user, String challenge) {
            Map<String, String> params = new TreeMap<>();
            Matcher m = BEARER_PARAM.matcher(challenge);
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            StringBuilder url = new StringBuilder(params.get("realm")).append("?service=")
                    .append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
            if (params.containsKey("scope")) {
                url.append("&scope=").append(URLEncoder.encode(params.get("scope"), StandardCharsets.UTF_8));
            }
            Response r = user == null ? http.get(url.toString())
                    : http.get(url.toString(), "Authorization", basic(user, PASSWORDS.get(user)));
            assertStatus(r, 200);
            return r.json().path("token").asText();
        }
    }

    private interface Body {
        void accept(Arranged arranged) throws Exception;
    }

    private static void with(ContainerUnderTest container, Mode mode, Body body) throws Exception {
        Registry registry = Registry.builder().authorizer(POLICY).build();
        TokenIssuer issuer = TokenIssuer.generated("wharf-test-tokens", "wharf-test", Duration.ofMinutes(5));
        Authenticator authenticator = mode == Mode.BASIC
                ? BasicAuthenticator.builder(users()).admitAnonymous(true).build()
                : BearerAuthenticator.builder(issuer.verifier()).build();
        TokenServlet tokens = mode == Mode.TOKEN
                ? new TokenServlet(issuer, users(), POLICY, new LoginThrottle(), true) : null;
        try (RegistryServer server = container.startSecured(registry, authenticator, tokens)) {
            RegistryHttp http = new RegistryHttp(server.baseUri(), server.quirks());
            String adminAuth = mode == Mode.BASIC ? basic("admin", "admin-pw")
                    : "Bearer " + issuer.issue("admin", Stream.of("alice/a", "bob/a", "shared/x", "public/p")
                    .map(r -> Scope.repository(r, "pull", "push", "delete")).toList()).token();
            RegistryHttp admin = http.withHeaders("Authorization", adminAuth);
            PushedImage bobs = admin.pushImage("bob/a", "v1");
            admin.pushImage("alice/a", "v1");
            PushedImage shared = admin.pushImage("shared/x", "v1");
            admin.pushImage("public/p", "v1");
            String upload = admin.startUpload("bob/a");
            body.accept(new Arranged(mode, http, bobs, shared, upload, issuer));
        }
    }

    static Stream<Arguments> everywhere() {
        List<Arguments> all = new ArrayList<>();
        for (ContainerUnderTest container : ContainerUnderTest.values()) {
            for (Mode mode : Mode.values()) {
                all.add(Arguments.of(container, mode));
            }
        }
        return all.stream();
    }

    /** One probe of the table: a request on repository {@code <r>}, with {@code <upload>} an upload path there. */
    private record Probe(String name, String method, String path, byte[] body, String... headers) {
        String path(String repo, String upload) {
            return path.replace("<upload>", upload).replace("<r>", repo);
        }
    }

    private static List<Probe> probes(Arranged a) {
        String manifest = a.bobs().digest();
        String layer = a.bobs().layers().get(0).digest();
        byte[] blob = Content.randomBytes(100);
        byte[] newManifest = ManifestJson.ociManifest().config(a.bobs().config()).bytes();
        String sharedLayer = a.shared().layers().get(0).digest();
        return List.of(
                new Probe("tag list", "GET", "/v2/<r>/tags/list", new byte[0]),
                new Probe("tag list page", "GET", "/v2/<r>/tags/list?n=1&last=a", new byte[0]),
                new Probe("manifest by tag", "GET", "/v2/<r>/manifests/v1", new byte[0]),
                new Probe("manifest by tag, HEAD", "HEAD", "/v2/<r>/manifests/v1", new byte[0]),
                new Probe("manifest by digest", "GET", "/v2/<r>/manifests/" + manifest, new byte[0]),
                new Probe("blob", "GET", "/v2/<r>/blobs/" + layer, new byte[0]),
                new Probe("blob, HEAD", "HEAD", "/v2/<r>/blobs/" + layer, new byte[0]),
                new Probe("blob range", "GET", "/v2/<r>/blobs/" + layer, new byte[0], "Range", "bytes=0-9"),
                new Probe("referrers", "GET", "/v2/<r>/referrers/" + manifest, new byte[0]),
                new Probe("search of the repository's tags", "GET", "/v2/<r>/_wharf/ext/tags?sort=pushed",
                        new byte[0]),
                new Probe("upload start", "POST", "/v2/<r>/blobs/uploads/", new byte[0]),
                new Probe("monolithic push", "POST", "/v2/<r>/blobs/uploads/?digest=" + Content.sha256(blob), blob,
                        "Content-Type", MediaTypes.OCTET_STREAM),
                new Probe("POST ?digest= of a blob it holds", "POST", "/v2/<r>/blobs/uploads/?digest=" + layer,
                        new byte[0]),
                new Probe("mount from shared", "POST", "/v2/<r>/blobs/uploads/?mount=" + sharedLayer
                        + "&from=shared/x", new byte[0]),
                new Probe("mount without from", "POST", "/v2/<r>/blobs/uploads/?mount=" + layer, new byte[0]),
                new Probe("upload status", "GET", "<upload>", new byte[0]),
                new Probe("upload chunk", "PATCH", "<upload>", blob, "Content-Type", MediaTypes.OCTET_STREAM,
                        "Content-Range", "0-99"),
                new Probe("upload complete", "PUT", "<upload>?digest=" + Content.sha256(blob), blob,
                        "Content-Type", MediaTypes.OCTET_STREAM),
                new Probe("upload cancel", "DELETE", "<upload>", new byte[0]),
                new Probe("manifest push", "PUT", "/v2/<r>/manifests/v2", newManifest, "Content-Type",
                        MediaTypes.OCI_MANIFEST),
                new Probe("tag delete", "DELETE", "/v2/<r>/manifests/v1", new byte[0]),
                new Probe("manifest delete", "DELETE", "/v2/<r>/manifests/" + manifest, new byte[0]),
                new Probe("blob delete", "DELETE", "/v2/<r>/blobs/" + layer, new byte[0]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everywhere")
    void shouldRefuseEveryEndpointAlikeWhetherTheHiddenRepositoryExistsOrNot(ContainerUnderTest container, Mode mode)
            throws Exception {
        with(container, mode, a -> {
            String realUpload = a.bobsUpload();
            String madeUp = realUpload.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                    UUID.randomUUID().toString()).replace("bob/a", "bob/z");
            assertThat(madeUp).as("the upload path holds a UUID to replace").isNotEqualTo(realUpload.replace("bob/a",
                    "bob/z"));
            for (String attacker : new String[] {"alice", null}) {
                for (Probe probe : probes(a)) {
                    String what = (attacker == null ? "anonymous" : attacker) + ", " + probe.name();
                    Response exists = a.as(attacker, probe.method(), probe.path("bob/a", realUpload), probe.body(),
                            probe.headers());
                    Response missing = a.as(attacker, probe.method(), probe.path("bob/z", madeUp), probe.body(),
                            probe.headers());
                    int status = mode == Mode.BASIC && attacker != null ? 403 : 401;
                    assertThat(exists.status()).as(what + ": " + exists.describe()).isEqualTo(status);
                    if (!probe.method().equals("HEAD")) {
                        assertError(exists, status, status == 403 ? "DENIED" : "UNAUTHORIZED");
                    }
                    if (status == 401) {
                        assertThat(exists.header("WWW-Authenticate")).as(what).get().asString()
                                .startsWith(mode == Mode.BASIC ? "Basic " : "Bearer ");
                    }
                    assertThat(normalized(missing, madeUp)).as(what + ": the answers differ")
                            .isEqualTo(normalized(exists, realUpload));
                }
            }
            // The repository's discover document is the registry's configuration: the same for every repository.
            for (String attacker : new String[] {"alice", null}) {
                Response exists = a.get(attacker, "/v2/bob/a/_oci/ext/discover");
                assertStatus(exists, 200);
                assertThat(normalized(a.get(attacker, "/v2/bob/z/_oci/ext/discover"), "-"))
                        .isEqualTo(normalized(exists, "-"));
            }
            // Nothing the probes tried took effect.
            RegistryHttp admin = a.http().withHeaders("Authorization", adminAuth(a));
            assertStatus(admin.get("/v2/bob/a/manifests/v1"), 200);
            assertThat(admin.get("/v2/bob/a/tags/list").json().path("tags").toString()).isEqualTo("[\"v1\"]");
            assertStatus(admin.get("/v2/bob/a/blobs/" + a.bobs().layers().get(0).digest()), 200);
            assertStatus(admin.get(a.bobsUpload()), 204);
            assertError(admin.get("/v2/bob/z/tags/list"), 404, "NAME_UNKNOWN");
        });
    }

    private static String adminAuth(Arranged a) {
        return a.mode() == Mode.BASIC ? basic("admin", "admin-pw")
                : "Bearer " + a.issuer().issue("admin", List.of(Scope.repository("bob/a", "pull", "push"),
                Scope.repository("bob/z", "pull"))).token();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everywhere")
    void shouldLetEachCallerDoWhatThePolicyGrantsAndNoMore(ContainerUnderTest container, Mode mode) throws Exception {
        with(container, mode, a -> {
            // alice owns alice/*: a whole push and pull works through the client's login.
            String blob = Content.sha256("alice's".getBytes(StandardCharsets.UTF_8));
            assertStatus(a.as("alice", "POST", "/v2/alice/new/blobs/uploads/?digest=" + blob,
                    "alice's".getBytes(StandardCharsets.UTF_8), "Content-Type", MediaTypes.OCTET_STREAM), 201);
            assertStatus(a.get("alice", "/v2/alice/new/blobs/" + blob), 200);
            assertStatus(a.as("alice", "DELETE", "/v2/alice/a/manifests/v1", new byte[0]), 202);
            // shared/x she may read, not change.
            assertStatus(a.get("alice", "/v2/shared/x/manifests/v1"), 200);
            assertStatus(a.get("bob", "/v2/shared/x/tags/list"), 200);
            Response push = a.as("alice", "PUT", "/v2/shared/x/manifests/v2", a.shared().manifest(),
                    "Content-Type", MediaTypes.OCI_MANIFEST);
            assertError(push, mode == Mode.BASIC ? 403 : 401, mode == Mode.BASIC ? "DENIED" : "UNAUTHORIZED");
            // Anonymous callers read public/* only.
            assertStatus(a.get(null, "/v2/public/p/manifests/v1"), 200);
            assertError(a.get(null, "/v2/shared/x/manifests/v1"), 401, "UNAUTHORIZED");
            // The catalog lists what each may read.
            assertThat(a.get("alice", "/v2/_catalog").json().path("repositories").toString())
                    .isEqualTo("[\"alice/a\",\"alice/new\",\"shared/x\"]");
            assertThat(a.get("bob", "/v2/_catalog").json().path("repositories").toString())
                    .isEqualTo("[\"bob/a\",\"shared/x\"]");
            assertThat(a.get(null, "/v2/_catalog").json().path("repositories").toString())
                    .isEqualTo("[\"public/p\"]");
            // Search shows each the tags it may read, and nothing else.
            assertThat(a.get("alice", "/v2/_wharf/ext/search").json().path("results").findValuesAsText("repository"))
                    .containsExactly("shared/x");
            assertThat(a.get("bob", "/v2/_wharf/ext/search").json().path("results").findValuesAsText("repository"))
                    .containsExactly("bob/a", "shared/x");
            assertThat(a.get(null, "/v2/_wharf/ext/search?sort=updated").json().path("results")
                    .findValuesAsText("repository")).containsExactly("public/p");
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everywhere")
    void shouldMountOnlyFromRepositoriesTheCallerMayRead(ContainerUnderTest container, Mode mode) throws Exception {
        with(container, mode, a -> {
            String bobsLayer = a.bobs().layers().get(0).digest();
            String sharedLayer = a.shared().layers().get(0).digest();
            // From a repository she may read: mounted.
            assertStatus(a.as("alice", "POST", "/v2/alice/m1/blobs/uploads/?mount=" + sharedLayer + "&from=shared/x",
                    new byte[0]), 201);
            // Without from, a token mounts only from repositories it grants: hers grants alice/m2 alone.
            assertStatus(a.as("alice", "POST", "/v2/alice/m2/blobs/uploads/?mount=" + sharedLayer, new byte[0]),
                    mode == Mode.BASIC ? 201 : 202);
            // Bob's layer: never mounted, and answered as if it did not exist (an upload session) or, under the
            // token flow, refused for the scope her token lacks; either way not a 201.
            Response from = a.as("alice", "POST", "/v2/alice/m3/blobs/uploads/?mount=" + bobsLayer + "&from=bob/a",
                    new byte[0]);
            Response fromNowhere = a.as("alice", "POST", "/v2/alice/m3/blobs/uploads/?mount="
                    + Content.sha256(Content.randomBytes(10)) + "&from=bob/a", new byte[0]);
            assertThat(from.status()).as(from::describe).isEqualTo(mode == Mode.BASIC ? 202 : 401);
            assertThat(fromNowhere.status()).isEqualTo(from.status());
            assertStatus(a.as("alice", "POST", "/v2/alice/m4/blobs/uploads/?mount=" + bobsLayer, new byte[0]), 202);
            assertStatus(a.as("alice", "POST", "/v2/alice/m5/blobs/uploads/?digest=" + bobsLayer, new byte[0]), 202);
            assertStatus(a.get("alice", "/v2/alice/m4/blobs/" + bobsLayer), 404);
        });
    }

    /**
     * With an authorizer that lets every user read everything, as an embedder trusting an outside token service
     * might configure, a token still mounts only from repositories it grants: a mount without {@code from} and
     * {@code POST ?digest=} with an empty body open an upload session instead of taking bob's blob.
     */
    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldMountOnlyFromRepositoriesTheTokenGrants(ContainerUnderTest container) throws Exception {
        Authorizer everyoneReads = (caller, action, repository) -> !caller.isAnonymous();
        TokenIssuer issuer = TokenIssuer.generated("outside-tokens", "wharf-test", Duration.ofMinutes(5));
        try (RegistryServer server = container.startSecured(Registry.builder().authorizer(everyoneReads).build(),
                BearerAuthenticator.builder(issuer.verifier()).build(), null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            RegistryHttp bob = http.withHeaders("Authorization", "Bearer " + issuer.issue("bob",
                    List.of(Scope.repository("bob/a", "pull", "push"))).token());
            String layer = bob.pushImage("bob/a", "v1").layers().get(0).digest();
            RegistryHttp alice = http.withHeaders("Authorization", "Bearer " + issuer.issue("alice",
                    List.of(Scope.repository("alice/m", "pull", "push"))).token());
            assertStatus(alice.post("/v2/alice/m/blobs/uploads/?mount=" + layer, new byte[0]), 202);
            assertStatus(alice.post("/v2/alice/m/blobs/uploads/?digest=" + layer, new byte[0]), 202);
            assertStatus(alice.get("/v2/alice/m/blobs/" + layer), 404);
            // A token that does grant bob/a mounts from it.
            RegistryHttp granted = http.withHeaders("Authorization", "Bearer " + issuer.issue("alice",
                    List.of(Scope.repository("alice/m", "pull", "push"), Scope.repository("bob/a", "pull"))).token());
            assertStatus(granted.post("/v2/alice/m/blobs/uploads/?mount=" + layer, new byte[0]), 201);
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldSpeakTheTokenFlowAndNeverTakeATokenFromTheQuery(ContainerUnderTest container) throws Exception {
        with(container, Mode.TOKEN, a -> {
            Response base = a.http().get("/v2/");
            assertError(base, 401, "UNAUTHORIZED");
            assertThat(base.header("WWW-Authenticate")).hasValue("Bearer realm=\"" + a.http().base() + "/token\","
                    + "service=\"wharf-test\"");
            Response push = a.http().post("/v2/alice/a/blobs/uploads/", new byte[0]);
            assertThat(push.header("WWW-Authenticate")).hasValue("Bearer realm=\"" + a.http().base() + "/token\","
                    + "service=\"wharf-test\",scope=\"repository:alice/a:pull,push\"");
            Response catalog = a.http().get("/v2/_catalog");
            assertThat(catalog.header("WWW-Authenticate").orElseThrow()).endsWith("scope=\"registry:catalog:*\"");
            Response mount = a.http().post("/v2/alice/a/blobs/uploads/?mount=" + a.shared().digest() + "&from=shared/x",
                    new byte[0]);
            assertThat(mount.header("WWW-Authenticate").orElseThrow())
                    .endsWith("scope=\"repository:alice/a:pull,push repository:shared/x:pull\"");

            // The token service grants what the policy allows of what was asked, and no more.
            JsonNode token = a.http().get("/token?service=wharf-test&scope=repository:alice/a:pull,push,delete"
                    + "&scope=repository:bob/a:pull&scope=registry:catalog:*", "Authorization",
                    basic("alice", "alice-pw")).json();
            assertThat(token.path("expires_in").asInt()).isEqualTo(300);
            assertThat(token.path("issued_at").asText()).isNotEmpty();
            String jwt = token.path("token").asText();
            assertThat(token.path("access_token").asText()).isEqualTo(jwt);
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
            assertThat(claims.path("sub").asText()).isEqualTo("alice");
            assertThat(claims.path("access").toString()).isEqualTo("[{\"type\":\"repository\",\"name\":\"alice/a\","
                    + "\"actions\":[\"pull\",\"push\",\"delete\"]},{\"type\":\"registry\",\"name\":\"catalog\","
                    + "\"actions\":[\"*\"]}]");
            assertStatus(a.http().get("/v2/alice/a/tags/list", "Authorization", "Bearer " + jwt), 200);
            Response lacking = a.http().get("/v2/bob/a/tags/list", "Authorization", "Bearer " + jwt);
            assertError(lacking, 401, "UNAUTHORIZED");
            assertThat(lacking.header("WWW-Authenticate").orElseThrow())
                    .endsWith("scope=\"repository:bob/a:pull\",error=\"insufficient_scope\"");
            // Never from the query string.
            assertError(a.http().get("/v2/alice/a/tags/list?access_token=" + jwt), 401, "UNAUTHORIZED");
            assertError(a.http().get("/v2/alice/a/tags/list", "Authorization", "Bearer " + jwt + "x"), 401,
                    "UNAUTHORIZED");
            // The OAuth 2 password grant, as containerd asks.
            Response oauth = a.http().post("/token", ("grant_type=password&username=bob&password=bob-pw&service="
                            + "wharf-test&client_id=test&scope=repository%3Abob%2Fa%3Apull").getBytes(StandardCharsets.UTF_8),
                    "Content-Type", "application/x-www-form-urlencoded");
            assertStatus(oauth, 200);
            assertThat(oauth.json().path("scope").asText()).isEqualTo("repository:bob/a:pull");
            assertStatus(a.http().get("/v2/bob/a/tags/list", "Authorization", "Bearer "
                    + oauth.json().path("access_token").asText()), 200);
            // Wrong credentials at the token service: 401, alike for a wrong password and an unknown user.
            Response wrong = a.http().get("/token?service=wharf-test", "Authorization", basic("alice", "nope"));
            Response unknown = a.http().get("/token?service=wharf-test", "Authorization", basic("zed", "nope"));
            assertError(wrong, 401, "UNAUTHORIZED");
            assertThat(normalized(unknown, "-")).isEqualTo(normalized(wrong, "-"));
            assertError(a.http().get("/token?service=another"), 400, "UNSUPPORTED");
            assertError(a.http().post("/token?grant_type=password&username=bob&password=bob-pw", new byte[0],
                    "Content-Type", "application/x-www-form-urlencoded"), 400, "UNSUPPORTED");
            assertThat(a.http().post("/token", "grant_type=refresh_token&refresh_token=x".getBytes(StandardCharsets.UTF_8),
                    "Content-Type", "application/x-www-form-urlencoded").json().path("error").asText())
                    .isEqualTo("unsupported_grant_type");
        });
    }


}
