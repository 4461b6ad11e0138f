package dev.wharf.core;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Precondition;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.api.UploadChunk;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tags as refs through the Java API: history, conditions, immutability. */
class TagPolicyTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName REPO = RepositoryName.of("releases/app");

    /** An image manifest whose config (pushed to {@code releases/app}) is made from {@code seed}. */
    static byte[] manifest(Registry registry, String seed) {
        byte[] config = ("{\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
        Digest c = DigestAlgorithm.SHA256.digest(config);
        registry.pushBlob(ME, REPO, c, UploadChunk.of(config));
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + c + "\",\"size\":" + config.length + "},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepHistoryOfMovesAndDeletionReadableThroughJavaApi() {
        UploadSemanticsTest.MutableClock clock = new UploadSemanticsTest.MutableClock();
        try (Registry registry = Registry.builder().clock(clock).build()) {
            Tag latest = Tag.of("latest");
            Digest one = registry.pushManifest(ME, REPO, latest, MediaTypes.OCI_MANIFEST, manifest(registry, "1"), List.of()).digest();
            clock.now = clock.now.plusSeconds(60);
            Digest two = registry.pushManifest(ME, REPO, latest, MediaTypes.OCI_MANIFEST, manifest(registry, "2"), List.of()).digest();
            clock.now = clock.now.plusSeconds(60);
            registry.deleteManifest(ME, REPO, latest);
            List<TagMove> history = registry.tagHistory(ME, REPO, latest);
            assertThat(history).hasSize(3);
            assertThat(history.get(0).from()).contains(two);
            assertThat(history.get(0).to()).isEmpty();
            assertThat(history.get(1).from()).contains(one);
            assertThat(history.get(1).to()).contains(two);
            assertThat(history.get(2).from()).isEmpty();
            assertThat(history.get(2).at()).isEqualTo(history.get(1).at().minusSeconds(60));
        }
    }

    @Test
    void shouldApplyPreconditionToTagsAndDigests() {
        try (Registry registry = Registry.builder().build()) {
            Tag tag = Tag.of("stable");
            byte[] first = manifest(registry, "a");
            Digest a = registry.pushManifest(ME, REPO, tag, MediaTypes.OCI_MANIFEST, first, List.of(), Precondition.ifAbsent()).digest();
            byte[] second = manifest(registry, "b");
            assertThatThrownBy(() -> registry.pushManifest(ME, REPO, tag, MediaTypes.OCI_MANIFEST, second, List.of(),
                    Precondition.ifAbsent())).isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
                        assertThat(e.httpStatus()).isEqualTo(412);
                    });
            Digest b = registry.pushManifest(ME, REPO, tag, MediaTypes.OCI_MANIFEST, second, List.of(), Precondition.ifMatch(a)).digest();
            assertThat(registry.manifest(ME, REPO, tag).digest()).isEqualTo(b);
            assertThatThrownBy(() -> registry.pushManifest(ME, REPO, b, MediaTypes.OCI_MANIFEST, second, List.of(),
                    Precondition.ifAbsent())).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED));
        }
    }

    @Test
    void shouldRefuseToMoveOrDeleteImmutableTagButAllowOthers() {
        try (Registry registry = Registry.builder().immutableTags("releases/*", "v*").build()) {
            Digest v1 = registry.pushManifest(ME, REPO, Tag.of("v1"), MediaTypes.OCI_MANIFEST, manifest(registry, "1"), List.of()).digest();
            byte[] other = manifest(registry, "2");
            assertThatThrownBy(() -> registry.pushManifest(ME, REPO, Tag.of("v1"), MediaTypes.OCI_MANIFEST, other, List.of()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.DENIED);
                        assertThat(e.getMessage()).contains("releases/*", "v*");
                    });
            assertThatThrownBy(() -> registry.pushManifest(ME, REPO, Tag.of("dev"), MediaTypes.OCI_MANIFEST, other,
                    List.of(Tag.of("v1")))).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DENIED));
            assertThatThrownBy(() -> registry.deleteManifest(ME, REPO, Tag.of("v1"))).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DENIED));
            registry.pushManifest(ME, REPO, Tag.of("dev"), MediaTypes.OCI_MANIFEST, other, List.of());
            registry.pushManifest(ME, REPO, Tag.of("dev"), MediaTypes.OCI_MANIFEST, manifest(registry, "3"), List.of());
            assertThat(registry.manifest(ME, REPO, Tag.of("v1")).digest()).isEqualTo(v1);
            assertThat(registry.tagHistory(ME, REPO, Tag.of("v1"))).hasSize(1);
            assertThat(registry.manifest(ME, RepositoryName.of("releases/app"), Optional.<Tag>empty().orElse(Tag.of("dev")))).isNotNull();
        }
    }
}
