package dev.wharf.servlet;

import dev.wharf.api.Action;
import dev.wharf.api.Registry;
import dev.wharf.servlet.suite.ApiAssertions;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.util.function.UnaryOperator;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registry policies over HTTP, each on its own registry: immutable tags, protected tagged manifests,
 * disabled deletes, and the mount rule that a digest alone never proves the right to read content.
 */
class PolicyHttpTest {
    /** Authenticates the caller named in {@code X-Test-User}, as a container's login would. */
    static final Filter TEST_USER = (request, response, chain) -> {
        HttpServletRequest http = (HttpServletRequest) request;
        String user = http.getHeader("X-Test-User");
        chain.doFilter(user == null ? request : new HttpServletRequestWrapper(http) {
            @Override
            public Principal getUserPrincipal() {
                return () -> user;
            }
        }, response);
    };

    private static void with(UnaryOperator<dev.wharf.api.RegistryBuilder> config, Filter filter,
                             ThrowingConsumer<RegistryHttp> body) throws Exception {
        try (JettyRegistryServer server = JettyRegistryServer.start(config.apply(Registry.builder()).build(), filter)) {
            body.accept(new RegistryHttp(server.baseUri()));
        }
    }

    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    private static String manifest(String repo, String ref) {
        return "/v2/" + repo + "/manifests/" + ref;
    }

    @Test
    void shouldRefuseMovingOrDeletingImmutableTagNamingThePolicy() throws Exception {
        with(b -> b.immutableTags("releases/**", "v*"), null, http -> {
            PushedImage one = http.pushImage("releases/app", "v1");
            PushedImage two = http.pushImage("releases/app", "latest");
            Response moved = http.putManifest("releases/app", "v1", MediaTypes.OCI_MANIFEST, two.manifest());
            assertThat(assertError(moved, 403, "DENIED").path("message").asText())
                    .contains("immutable", "releases/**", "v*");
            assertStatus(http.putManifest("releases/app", "v1", MediaTypes.OCI_MANIFEST, one.manifest()), 201);
            assertError(http.delete(manifest("releases/app", "v1")), 403, "DENIED");
            assertError(http.delete(manifest("releases/app", one.digest())), 403, "DENIED");
            assertStatus(http.putManifest("releases/app", "latest", MediaTypes.OCI_MANIFEST, one.manifest()), 201);
            assertStatus(http.putManifest("scratch/app", "v1", MediaTypes.OCI_MANIFEST, pushInto(http, "scratch/app")), 201);
            assertThat(http.get(manifest("releases/app", "v1")).header("Docker-Content-Digest")).contains(one.digest());
        });
    }

    private static byte[] pushInto(RegistryHttp http, String repo) {
        return http.pushImage(repo, "seed").manifest();
    }

    @Test
    void shouldRefuseDeletingTaggedManifestWhenProtected() throws Exception {
        with(b -> b.protectTaggedManifests(true), null, http -> {
            PushedImage image = http.pushImage("team/app", "v1");
            Response refused = http.delete(manifest("team/app", image.digest()));
            assertThat(assertError(refused, 403, "DENIED").path("message").asText()).contains("v1");
            assertStatus(http.delete(manifest("team/app", "v1")), 202);
            assertStatus(http.delete(manifest("team/app", image.digest())), 202);
            assertStatus(http.get(manifest("team/app", image.digest())), 404);
        });
    }

    @Test
    void shouldAnswer405ToEveryDeleteWhenDeletesAreDisabled() throws Exception {
        with(b -> b.deletesEnabled(false), null, http -> {
            PushedImage image = http.pushImage("team/app", "v1");
            assertError(http.delete(manifest("team/app", "v1")), 405, "UNSUPPORTED");
            assertError(http.delete(manifest("team/app", image.digest())), 405, "UNSUPPORTED");
            assertError(http.delete("/v2/team/app/blobs/" + image.layers().get(0).digest()), 405, "UNSUPPORTED");
            assertStatus(http.get(manifest("team/app", "v1")), 200);
        });
    }

    @Test
    void shouldMakeCallerWithoutReadAccessUploadTheBytes() throws Exception {
        // alice may pull and push her own repositories; only admin may read secret/*.
        with(b -> b.authorizer((caller, action, repo) -> {
            String user = caller.principal().map(Principal::getName).orElse("");
            return user.equals("admin") || user.equals("alice") && !repo.value().startsWith("secret/")
                    || action == Action.PULL && repo.value().startsWith("public/");
        }), TEST_USER, http -> {
            byte[] layer = Content.randomBytes(4096);
            String digest = Content.sha256(layer);
            Response pushed = http.put(RegistryHttp.withQuery(startUpload(http, "secret/app", "admin"), "digest=" + digest),
                    layer, "X-Test-User", "admin");
            assertStatus(pushed, 201);

            for (String query : new String[] {"mount=" + digest, "mount=" + digest + "&from=secret/app", "digest=" + digest}) {
                Response r = http.post("/v2/alice/app/blobs/uploads/?" + query, new byte[0], "X-Test-User", "alice");
                assertThat(r.status()).as(query + ": " + r.describe()).isEqualTo(202);
            }
            assertStatus(http.head("/v2/alice/app/blobs/" + digest, "X-Test-User", "alice"), 404);

            // Once a repository alice may read holds the blob, the same request mounts it.
            assertStatus(http.put(RegistryHttp.withQuery(startUpload(http, "public/base", "admin"), "digest=" + digest),
                    layer, "X-Test-User", "admin"), 201);
            Response mounted = http.post("/v2/alice/app/blobs/uploads/?mount=" + digest, new byte[0], "X-Test-User", "alice");
            assertStatus(mounted, 201);
            assertThat(http.get("/v2/alice/app/blobs/" + digest, "X-Test-User", "alice").body()).isEqualTo(layer);
        });
    }

    @Test
    void shouldRetireUntaggedManifestsPastRetentionButKeepTaggedOnes() throws Exception {
        dev.wharf.api.GcSettings gc = dev.wharf.api.GcSettings.defaults().withInterval(java.time.Duration.ZERO)
                .withBlobGracePeriod(java.time.Duration.ZERO).withUntaggedManifestRetention(java.time.Duration.ZERO);
        Registry registry = Registry.builder().garbageCollection(gc).build();
        try (JettyRegistryServer server = JettyRegistryServer.start(registry)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            PushedImage kept = http.pushImage("team/app", "v1");
            PushedImage dropped = http.pushImage("team/app", "v2");
            assertStatus(http.delete(manifest("team/app", "v2")), 202);
            Thread.sleep(5); // strictly older than "now" at collection time
            dev.wharf.api.GcReport report = registry.collectGarbage();
            assertThat(report.manifestsDeleted()).isEqualTo(1);
            assertStatus(http.get(manifest("team/app", dropped.digest())), 404);
            assertStatus(http.get(manifest("team/app", "v1")), 200);
            // the dropped image's blobs stay linked in the repository until deleted: GC keeps linked bytes
            assertStatus(http.get("/v2/team/app/blobs/" + dropped.layers().get(0).digest()), 200);
            assertThat(kept.digest()).isNotEqualTo(dropped.digest());
        }
    }

    @Test
    void shouldChallengeAnonymousCallerWhenAuthorizerRefuses() throws Exception {
        with(b -> b.authorizer((caller, action, repo) -> !caller.isAnonymous()), TEST_USER, http -> {
            Response r = http.get(manifest("team/app", "v1"));
            ApiAssertions.assertError(r, 401, "UNAUTHORIZED");
            assertThat(r.header("WWW-Authenticate")).isPresent();
        });
    }

    private static String startUpload(RegistryHttp http, String repo, String user) {
        Response r = http.post("/v2/" + repo + "/blobs/uploads/", new byte[0], "X-Test-User", user);
        assertStatus(r, 202);
        return r.header("Location").orElseThrow();
    }
}
