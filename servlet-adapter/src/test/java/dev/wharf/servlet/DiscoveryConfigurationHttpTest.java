package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryBuilder;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.UnaryOperator;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The discovery document ({@code GET /v2/_oci/ext/discover} and its per-repository form) says what this
 * registry is configured to do, and the registry then does it: the {@code _wharf} extension's
 * {@code features} follow {@code deletesEnabled}, the immutable-tag rules and tagged-manifest protection.
 * Each setting is checked both ways, on every container.
 */
class DiscoveryConfigurationHttpTest {

    private static void with(ContainerUnderTest container, UnaryOperator<RegistryBuilder> config,
                             PolicyHttpTest.ThrowingConsumer<RegistryHttp> body) throws Exception {
        try (RegistryServer server = container.start(config.apply(Registry.builder()).build(), null)) {
            body.accept(new RegistryHttp(server.baseUri()));
        }
    }

    /** The {@code _wharf} features from both discovery endpoints, asserting that they agree. */
    private static JsonNode features(RegistryHttp http) {
        http.pushImage("team/app", "seed");
        JsonNode registryWide = wharfFeatures(http.get("/v2/_oci/ext/discover"));
        JsonNode inRepository = wharfFeatures(http.get("/v2/team/app/_oci/ext/discover")).deepCopy();
        // The repository's document adds the content policy that applies there; everything else agrees.
        ((com.fasterxml.jackson.databind.node.ObjectNode) inRepository).remove("contentPolicyHere");
        assertThat(inRepository).isEqualTo(registryWide);
        return registryWide;
    }

    private static JsonNode wharfFeatures(Response r) {
        assertStatus(r, 200);
        for (JsonNode extension : r.json().path("extensions")) {
            if ("_wharf".equals(extension.path("name").asText())) {
                return extension.path("features");
            }
        }
        throw new AssertionError("no _wharf extension: " + r.describe());
    }

    private static void assertFlag(JsonNode features, String name, boolean expected) {
        assertThat(features.path(name).isBoolean()).as("%s is a boolean in %s", name, features).isTrue();
        assertThat(features.path(name).asBoolean()).as("%s in %s", name, features).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnnounceDeletesAndNoTagPoliciesWhenRegistryHasDefaults(ContainerUnderTest container) throws Exception {
        with(container, b -> b, http -> {
            JsonNode features = features(http);
            assertFlag(features, "deletes", true);
            assertFlag(features, "immutableTags", false);
            assertFlag(features, "taggedManifestProtection", false);
            assertFlag(features, "automaticMount", true);
            assertFlag(features, "conditionalTagUpdates", true);

            http.pushImage("team/app", "v1");
            PushedImage other = http.pushImage("team/app", "other");
            assertStatus(http.putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST, other.manifest()), 201);
            assertStatus(http.delete("/v2/team/app/manifests/" + other.digest()), 202); // tagged, not protected
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnnounceProtectionWhenTaggedManifestsAreProtected(ContainerUnderTest container) throws Exception {
        with(container, b -> b.protectTaggedManifests(true), http -> {
            JsonNode features = features(http);
            assertFlag(features, "taggedManifestProtection", true);
            assertFlag(features, "deletes", true);
            assertFlag(features, "immutableTags", false);

            PushedImage image = http.pushImage("team/app", "v1");
            assertError(http.delete("/v2/team/app/manifests/" + image.digest()), 403, "DENIED");
            assertStatus(http.delete("/v2/team/app/manifests/v1"), 202);
            assertStatus(http.delete("/v2/team/app/manifests/" + image.digest()), 202);
        });
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnnounceWhatIsOffWhenDeletesAreDisabledAndTagPoliciesAreOn(ContainerUnderTest container)
            throws Exception {
        with(container, b -> b.deletesEnabled(false).immutableTags("team/**", "v*").protectTaggedManifests(true),
                http -> {
            JsonNode features = features(http);
            assertFlag(features, "deletes", false);
            assertFlag(features, "immutableTags", true);
            assertFlag(features, "taggedManifestProtection", true);
            assertFlag(features, "automaticMount", true);

            PushedImage image = http.pushImage("team/app", "v1");
            Response moved = http.putManifest("team/app", "v1", MediaTypes.OCI_MANIFEST,
                    http.pushImage("team/app", "other").manifest());
            assertError(moved, 403, "DENIED");
            for (String reference : List.of("v1", image.digest())) {
                assertError(http.delete("/v2/team/app/manifests/" + reference), 405, "UNSUPPORTED");
            }
            // A reference that cannot exist keeps its 400: a disabled delete may answer 400 or 405 (end-9).
            assertError(http.delete("/v2/team/app/manifests/.INVALID_MANIFEST_NAME"), 400, "TAG_INVALID");
        });
    }
}
