package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.spi.ForwardingBlobStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.OptionalLong;

import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code OCI-Chunk-Min-Length} (spec "Pushing a blob in chunks"): a session's {@code 202} names the blob
 * store's minimum chunk size when the store declares one, and says nothing when any size works. On Jetty,
 * Tomcat and Undertow.
 */
class ChunkMinimumHttpTest {
    private static final long FIVE_MIB = 5L * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnnounceTheStoresMinimumChunkSizeWhenItHasOne(ContainerUnderTest container) throws Exception {
        Registry registry = Registry.builder().blobStore(new PartSizedStore(FIVE_MIB)).build();
        try (RegistryServer server = container.start(registry, null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            Response started = http.post("/v2/team/app/blobs/uploads/", new byte[0]);
            assertStatus(started, 202);
            assertThat(started.header("OCI-Chunk-Min-Length")).as(started::describe).contains(Long.toString(FIVE_MIB));
            byte[] blob = Content.randomBytes(1000);
            assertThat(http.pushBlob("team/app", blob)).isEqualTo(Content.sha256(blob));
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldSayNothingWhenAnyChunkSizeWorks(ContainerUnderTest container) throws Exception {
        try (RegistryServer server = container.start(Registry.builder().build(), null)) {
            Response started = new RegistryHttp(server.baseUri()).post("/v2/team/app/blobs/uploads/", new byte[0]);
            assertStatus(started, 202);
            assertThat(started.header("OCI-Chunk-Min-Length")).as(started::describe).isEmpty();
        }
    }

    /** The in-memory store, declaring an object store's minimum part size. */
    private static final class PartSizedStore extends ForwardingBlobStore {
        private final long minimum;

        PartSizedStore(long minimum) {
            super(new InMemoryBlobStore());
            this.minimum = minimum;
        }

        @Override
        public OptionalLong minimumChunkSize() {
            return OptionalLong.of(minimum);
        }
    }
}
