package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.ContentRule;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryBuilder;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quotas and the content policy over HTTP on every container: each quota kind refused at each check point (a
 * monolithic POST, a PATCH, the closing PUT, a mount, a manifest and a tag push) with the documented envelope,
 * a refused chunk leaving its session as it was, pushers racing for the last bytes, the usage endpoints, and each
 * content policy field refused with 415.
 */
class QuotaHttpTest {

    private static void with(ContainerUnderTest container, UnaryOperator<RegistryBuilder> config,
                             PolicyHttpTest.ThrowingConsumer<RegistryHttp> body) throws Exception {
        try (RegistryServer server = container.start(config.apply(Registry.builder()).build(), null)) {
            body.accept(new RegistryHttp(server.baseUri()));
        }
    }

    private static QuotaRule namespaceBytes(String glob, long bytes) {
        return QuotaRule.namespace(glob, QuotaLimits.NONE.withBytes(bytes));
    }

    /** The error's detail, after checking the envelope: 403, {@code code}, reason QUOTA_EXCEEDED and the numbers. */
    private static JsonNode assertQuotaRefusal(Response r, String code, String scope, long limit, long used,
                                               long requested) {
        JsonNode error = assertError(r, 403, code);
        JsonNode detail = error.path("detail");
        assertThat(detail.path("reason").asText()).as(r::describe).isEqualTo("QUOTA_EXCEEDED");
        assertThat(detail.path("scope").asText()).isEqualTo(scope);
        assertThat(detail.path("limit").asLong()).isEqualTo(limit);
        assertThat(detail.path("used").asLong()).isEqualTo(used);
        assertThat(detail.path("requested").asLong()).isEqualTo(requested);
        assertThat(error.path("message").asText()).startsWith("quota exceeded: " + scope);
        return detail;
    }

    private static Response monolithic(RegistryHttp http, String repo, byte[] bytes) {
        return http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Content.sha256(bytes), bytes,
                "Content-Type", MediaTypes.OCTET_STREAM);
    }

    private static long usedBytes(RegistryHttp http, String scope) {
        Response r = http.get("/v2/_wharf/ext/usage?scope=" + scope);
        assertStatus(r, 200);
        return r.json().path("used").path("bytes").asLong();
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseAMonolithicPushOverTheQuotaBeforeItsBytesLand(ContainerUnderTest container) throws Exception {
        with(container, b -> b.quota(namespaceBytes("team/**", 10_000)), http -> {
            assertStatus(monolithic(http, "team/a", Content.randomBytes(6000)), 201);
            byte[] more = Content.randomBytes(5000);
            assertQuotaRefusal(monolithic(http, "team/b", more), "DENIED", "team/**", 10_000, 6000, 5000);
            dev.wharf.servlet.suite.ApiAssertions.assertHeadError(http.head("/v2/team/b/blobs/" + Content.sha256(more)), 404);
            assertStatus(monolithic(http, "other/b", more), 201); // no quota there
            assertThat(usedBytes(http, "team/**")).isEqualTo(6000);
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldCutAChunkedUploadOffAtTheQuotaAndKeepTheSession(ContainerUnderTest container) throws Exception {
        with(container, b -> b.quotaRefusalCode(ErrorCode.QUOTA_EXCEEDED)
                .quota(QuotaRule.eachRepository("team/*", QuotaLimits.NONE.withBytes(3000))), http -> {
            byte[] blob = Content.randomBytes(4000);
            String location = http.startUpload("team/app");
            Response first = http.patch(location, Content.slice(blob, 0, 2000), "Content-Type",
                    MediaTypes.OCTET_STREAM, "Content-Range", "0-1999");
            assertStatus(first, 202);
            String next = first.header("Location").orElseThrow();
            Response second = http.patch(next, Content.slice(blob, 2000, 4000), "Content-Type",
                    MediaTypes.OCTET_STREAM, "Content-Range", "2000-3999");
            assertQuotaRefusal(second, "QUOTA_EXCEEDED", "team/app", 3000, 0, 4000);
            Response status = http.get(next);
            assertStatus(status, 204);
            assertThat(status.header("Range")).contains("0-1999");
            // The same upload, closed within the quota.
            byte[] fits = Content.concat(Content.slice(blob, 0, 2000), Content.slice(blob, 2000, 2900));
            Response close = http.put(RegistryHttp.withQuery(next, "digest=" + Content.sha256(fits)),
                    Content.slice(blob, 2000, 2900), "Content-Type", MediaTypes.OCTET_STREAM);
            assertStatus(close, 201);
            assertThat(usedBytes(http, "team/app")).isEqualTo(2900);
            // A closing PUT that would cross it: refused, the session kept at what it had.
            String again = http.startUpload("team/app");
            Response patched = http.patch(again, Content.slice(blob, 0, 50), "Content-Type", MediaTypes.OCTET_STREAM,
                    "Content-Range", "0-49");
            assertStatus(patched, 202);
            String at = patched.header("Location").orElseThrow();
            byte[] over = Content.slice(blob, 0, 150);
            assertQuotaRefusal(http.put(RegistryHttp.withQuery(at, "digest=" + Content.sha256(over)),
                    Content.slice(over, 50, 150), "Content-Type", MediaTypes.OCTET_STREAM),
                    "QUOTA_EXCEEDED", "team/app", 3000, 2900, 150);
            assertThat(http.get(at).header("Range")).contains("0-49");
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseAMountThatWouldCrossTheQuota(ContainerUnderTest container) throws Exception {
        with(container, b -> b.quota(namespaceBytes("team/**", 5000)), http -> {
            String big = http.pushBlob("other/src", Content.randomBytes(6000));
            String small = http.pushBlob("other/src", Content.randomBytes(1000));
            assertQuotaRefusal(http.post("/v2/team/app/blobs/uploads/?mount=" + big + "&from=other/src", new byte[0]),
                    "DENIED", "team/**", 5000, 0, 6000);
            assertStatus(http.post("/v2/team/app/blobs/uploads/?mount=" + small + "&from=other/src", new byte[0]),
                    201);
            assertThat(usedBytes(http, "team/**")).isEqualTo(1000);
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldLimitManifestsTagsAndRepositories(ContainerUnderTest container) throws Exception {
        with(container, b -> b.quota(QuotaRule.namespace("team/**",
                QuotaLimits.NONE.withManifests(2).withTags(2).withRepositories(1))), http -> {
            Descriptor config = http.pushBlob("team/app", MediaTypes.OCI_CONFIG, Content.utf8("{}"));
            byte[] one = ManifestJson.ociManifest().config(config).annotation("n", "1").bytes();
            byte[] two = ManifestJson.ociManifest().config(config).annotation("n", "2").bytes();
            byte[] three = ManifestJson.ociManifest().config(config).annotation("n", "3").bytes();
            assertStatus(http.put("/v2/team/app/manifests/v1?tag=latest", one, "Content-Type",
                    MediaTypes.OCI_MANIFEST), 201);
            JsonNode tags = assertQuotaRefusal(http.putManifest("team/app", "v2", MediaTypes.OCI_MANIFEST, two),
                    "DENIED", "team/**", 2, 2, 1);
            assertThat(tags.path("kind").asText()).isEqualTo("tags");
            assertStatus(http.putManifest("team/app", Content.sha256(two), MediaTypes.OCI_MANIFEST, two), 201);
            assertThat(assertQuotaRefusal(http.putManifest("team/app", Content.sha256(three), MediaTypes.OCI_MANIFEST,
                    three), "DENIED", "team/**", 2, 2, 1).path("kind").asText()).isEqualTo("manifests");
            assertThat(assertQuotaRefusal(monolithic(http, "team/lib", Content.randomBytes(10)), "DENIED", "team/**",
                    1, 1, 1).path("kind").asText()).isEqualTo("repositories");
            Response usage = http.get("/v2/team/app/_wharf/ext/usage");
            assertStatus(usage, 200);
            JsonNode scope = usage.json().path("scopes").get(0);
            assertThat(scope.path("scope").asText()).isEqualTo("team/**");
            assertThat(scope.path("used").path("manifests").asLong()).isEqualTo(2);
            assertThat(scope.path("used").path("tags").asLong()).isEqualTo(2);
            assertThat(scope.path("limits").path("repositories").asLong()).isEqualTo(1);
            assertThat(scope.path("limits").path("bytes").isNull()).isTrue();
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldNeverExceedTheQuotaWhenPushersRaceForTheLastBytes(ContainerUnderTest container) throws Exception {
        with(container, b -> b.quota(namespaceBytes("race/**", 8 * 1024)), http -> {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> pushes = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    String repo = "race/r" + (i % 3);
                    pushes.add(pool.submit(() -> monolithic(http, repo, Content.randomBytes(1024)).status()));
                }
                int created = 0;
                for (Future<Integer> push : pushes) {
                    int status = push.get();
                    assertThat(status).isIn(201, 403);
                    created += status == 201 ? 1 : 0;
                }
                assertThat(created).isEqualTo(8);
            } finally {
                pool.shutdownNow();
            }
            assertThat(usedBytes(http, "race/**")).isEqualTo(8 * 1024);
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnswerAnUnknownScopeLikeAnUnreadableOne(ContainerUnderTest container) throws Exception {
        with(container, b -> b.quota(namespaceBytes("team/**", 100)), http -> {
            assertError(http.get("/v2/_wharf/ext/usage?scope=nothing/**"), 404, "NAME_UNKNOWN");
            assertError(http.get("/v2/_wharf/ext/usage"), 400, "NAME_INVALID");
            assertThat(http.get("/v2/_wharf/ext/usage?scope=team/**").json().path("limits").path("bytes").asLong())
                    .isEqualTo(100);
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseContentThePolicyRefusesWith415NamingTheFieldAndValue(ContainerUnderTest container)
            throws Exception {
        String helm = "application/vnd.cncf.helm.config.v1+json";
        with(container, b -> b.contentRule(ContentRule.deny("team/**", ContentRule.Field.ARTIFACT_TYPE,
                        "application/vnd.cncf.helm.*"))
                .contentRule(ContentRule.allow("**", ContentRule.Field.LAYER_MEDIA_TYPE, "application/vnd.oci.*")),
                http -> {
            Descriptor chart = http.pushBlob("team/charts", helm, Content.utf8("{}"));
            byte[] manifest = ManifestJson.ociManifest().config(chart).bytes();
            JsonNode error = assertError(http.putManifest("team/charts", "1.0.0", MediaTypes.OCI_MANIFEST, manifest),
                    415, "UNSUPPORTED");
            assertThat(error.path("detail").path("field").asText()).isEqualTo("artifactType");
            assertThat(error.path("detail").path("value").asText()).isEqualTo(helm);
            assertThat(error.path("message").asText()).doesNotContain("helm.*");
            assertError(http.get("/v2/team/charts/manifests/1.0.0"), 404, "MANIFEST_UNKNOWN");
            assertStatus(http.putManifest("open/charts", "1.0.0", MediaTypes.OCI_MANIFEST,
                    ManifestJson.ociManifest().config(http.pushBlob("open/charts", helm, Content.utf8("{}"))).bytes()),
                    201);

            Descriptor config = http.pushBlob("team/app", MediaTypes.OCI_CONFIG, Content.utf8("{}"));
            Descriptor layer = http.pushBlob("team/app", "application/x-tar", Content.randomBytes(100));
            JsonNode layerError = assertError(http.putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST,
                    ManifestJson.ociManifest().config(config).layer(layer).bytes()), 415, "UNSUPPORTED");
            assertThat(layerError.path("detail").path("field").asText()).isEqualTo("layers[].mediaType");

            JsonNode features = null;
            for (JsonNode extension : http.get("/v2/team/app/_oci/ext/discover").json().path("extensions")) {
                if ("_wharf".equals(extension.path("name").asText())) {
                    features = extension.path("features");
                }
            }
            assertThat(features).isNotNull();
            assertThat(features.path("contentPolicy").asBoolean()).isTrue();
            assertThat(features.path("contentPolicyHere").path("artifactType").asText()).isEqualTo("deny-list");
            assertThat(features.path("contentPolicyHere").path("layers[].mediaType").asText()).isEqualTo("allow-list");
            assertThat(features.toString()).doesNotContain("helm");
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRefuseByMediaTypeConfigMediaTypeAndType(ContainerUnderTest container) throws Exception {
        with(container, b -> b.contentRule(ContentRule.deny("**", ContentRule.Field.MANIFEST_MEDIA_TYPE,
                        MediaTypes.DOCKER_MANIFEST))
                .contentRule(ContentRule.allow("cfg/**", ContentRule.Field.CONFIG_MEDIA_TYPE, MediaTypes.OCI_CONFIG))
                .contentRule(ContentRule.allow("typed/**", ContentRule.Field.TYPE, "application/vnd.oci.image.*")),
                http -> {
            Descriptor dockerConfig = http.pushBlob("any/app", "application/vnd.docker.container.image.v1+json",
                    Content.utf8("{}"));
            JsonNode docker = assertError(http.putManifest("any/app", "v1", MediaTypes.DOCKER_MANIFEST,
                    ManifestJson.dockerManifest().config(dockerConfig).bytes()), 415, "UNSUPPORTED");
            assertThat(docker.path("detail").path("field").asText()).isEqualTo("mediaType");

            Descriptor odd = http.pushBlob("cfg/app", "application/vnd.example.config+json", Content.utf8("{}"));
            JsonNode config = assertError(http.putManifest("cfg/app", "v1", MediaTypes.OCI_MANIFEST,
                    ManifestJson.ociManifest().config(odd).bytes()), 415, "UNSUPPORTED");
            assertThat(config.path("detail").path("field").asText()).isEqualTo("config.mediaType");

            Descriptor image = http.pushBlob("typed/app", MediaTypes.OCI_CONFIG, Content.utf8("{}"));
            assertStatus(http.putManifest("typed/app", "v1", MediaTypes.OCI_MANIFEST,
                    ManifestJson.ociManifest().config(image).bytes()), 201);
            Descriptor empty = http.pushBlob("typed/app", "application/vnd.oci.empty.v1+json", Content.utf8("{}"));
            JsonNode type = assertError(http.putManifest("typed/app", "sbom", MediaTypes.OCI_MANIFEST,
                    ManifestJson.ociManifest().artifactType("application/spdx+json").config(empty).bytes()),
                    415, "UNSUPPORTED");
            assertThat(type.path("detail").path("field").asText()).isEqualTo("artifactType");
            assertThat(type.path("detail").path("value").asText()).isEqualTo("application/spdx+json");
        });
    }
}
