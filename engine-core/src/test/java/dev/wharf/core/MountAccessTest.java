package dev.wharf.core;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStart;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Mounting never reveals a blob that lives only where the caller cannot read. */
class MountAccessTest {
    private static final RepositoryName SECRET = RepositoryName.of("secret/app");
    private static final RepositoryName PUBLIC = RepositoryName.of("public/app");
    private static final RepositoryName MINE = RepositoryName.of("mine/app");
    private final Caller admin = Caller.of(() -> "admin");
    private final Caller alice = Caller.of((Principal) () -> "alice");

    private Registry registry() {
        return Registry.builder().authorizer((caller, action, repo) ->
                caller.principal().map(Principal::getName).orElse("").equals("admin")
                        || !repo.value().startsWith("secret/")).build();
    }

    @Test
    void shouldMountWithoutFromOnlyFromReadableRepositories() {
        try (Registry registry = registry()) {
            byte[] secret = "secret layer".getBytes(StandardCharsets.UTF_8);
            Digest digest = DigestAlgorithm.SHA256.digest(secret);
            registry.pushBlob(admin, SECRET, digest, UploadChunk.of(secret));

            UploadStart denied = registry.mount(alice, MINE, digest, Optional.empty());
            assertThat(denied.session()).isPresent();
            assertThat(registry.statBlob(alice, MINE, digest)).isEmpty();

            UploadStart deniedWithFrom = registry.mount(alice, MINE, digest, Optional.of(SECRET));
            assertThat(deniedWithFrom.session()).isPresent();

            registry.pushBlob(admin, PUBLIC, digest, UploadChunk.of(secret));
            UploadStart mounted = registry.mount(alice, MINE, digest, Optional.empty());
            assertThat(mounted.blob()).isPresent();
            assertThat(registry.statBlob(alice, MINE, digest)).isPresent();
        }
    }

    @Test
    void shouldTreatEmptyBodyPushOfUnknownDigestAsMount() {
        try (Registry registry = registry()) {
            byte[] bytes = "layer".getBytes(StandardCharsets.UTF_8);
            Digest digest = DigestAlgorithm.SHA256.digest(bytes);
            assertThat(registry.pushBlob(alice, MINE, digest, UploadChunk.empty()).session()).isPresent();
            registry.pushBlob(alice, PUBLIC, digest, UploadChunk.of(bytes));
            assertThat(registry.pushBlob(alice, MINE, digest, UploadChunk.empty()).blob()).isPresent();
        }
    }
}
