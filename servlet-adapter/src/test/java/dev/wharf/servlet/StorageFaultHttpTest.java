package dev.wharf.servlet;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.Registry;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.spi.ForwardingBlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full blob store, injected at the store boundary: every write path answers {@code 507 STORAGE_FULL} in the
 * error envelope with a message that says so (not "internal error"), reads go on, nothing partial is left, an
 * upload session keeps the bytes it had acknowledged, and writes work again once space is freed, without a
 * restart. On Jetty, Tomcat and Undertow.
 */
class StorageFaultHttpTest {
    private static final String REPO = "faults/app";

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnswerStorageFullOnMonolithicPushAndStoreAgainOnceSpaceIsFreed(ContainerUnderTest container)
            throws Exception {
        FillableStore store = new FillableStore();
        try (RegistryServer server = container.start(Registry.builder().blobStore(store).build(), null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] kept = Content.randomBytes(2000);
            String keptDigest = http.pushBlob(REPO, kept);

            store.full.set(true);
            byte[] refused = Content.randomBytes(3000);
            String digest = Content.sha256(refused);
            Response single = http.post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest, refused);
            assertThat(assertError(single, 507, "STORAGE_FULL").path("message").asText()).contains("storage is full");
            assertError(http.post("/v2/" + REPO + "/blobs/uploads/", new byte[0]), 507, "STORAGE_FULL");
            assertThat(Arrays.equals(http.get("/v2/" + REPO + "/blobs/" + keptDigest).body(), kept))
                    .as("reads go on while the store is full").isTrue();
            assertThat(store.stat(Digest.parse(digest))).as("nothing partial is published").isEmpty();
            assertThat(store.liveStagedWrites()).as("no staged write is left behind").isZero();

            store.full.set(false);
            assertStatus(http.post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest, refused), 201);
            assertThat(Arrays.equals(http.get("/v2/" + REPO + "/blobs/" + digest).body(), refused)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldKeepTheAcknowledgedRangeWhenAChunkFindsTheStoreFull(ContainerUnderTest container) throws Exception {
        FillableStore store = new FillableStore();
        try (RegistryServer server = container.start(Registry.builder().blobStore(store).build(), null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(4000);
            byte[] first = Arrays.copyOfRange(blob, 0, 1500);
            byte[] second = Arrays.copyOfRange(blob, 1500, blob.length);
            String location = http.startUpload(REPO);
            Response accepted = http.patch(location, first, "Content-Range", "0-1499");
            assertStatus(accepted, 202);
            location = accepted.header("Location").orElse(location);

            store.full.set(true);
            assertError(http.patch(location, second, "Content-Range", "1500-3999"), 507, "STORAGE_FULL");
            Response status = http.get(location);
            assertStatus(status, 204);
            assertThat(status.header("Range")).as("the acknowledged bytes are kept").contains("0-1499");

            store.full.set(false);
            Response resumed = http.patch(location, second, "Content-Range", "1500-3999");
            assertStatus(resumed, 202);
            String digest = Content.sha256(blob);
            location = resumed.header("Location").orElse(location);
            assertStatus(http.put(RegistryHttp.withQuery(location, "digest=" + digest), new byte[0]), 201);
            assertThat(Arrays.equals(http.get("/v2/" + REPO + "/blobs/" + digest).body(), blob)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldRollBackAWriteThatFailsHalfwayAndAcceptItAgainAfterwards(ContainerUnderTest container)
            throws Exception {
        FillableStore store = new FillableStore();
        try (RegistryServer server = container.start(Registry.builder().blobStore(store).build(), null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            byte[] blob = Content.randomBytes(6000);
            String digest = Content.sha256(blob);
            String location = http.startUpload(REPO);
            Response accepted = http.patch(location, Arrays.copyOfRange(blob, 0, 2000), "Content-Range", "0-1999");
            assertStatus(accepted, 202);
            location = accepted.header("Location").orElse(location);

            store.failMidWrite.set(true);
            byte[] rest = Arrays.copyOfRange(blob, 2000, blob.length);
            assertError(http.patch(location, rest, "Content-Range", "2000-5999"), 500, "UNKNOWN");
            assertThat(http.get(location).header("Range")).as("the half-written chunk is rolled back").contains("0-1999");
            assertError(http.post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest, blob), 500, "UNKNOWN");
            assertThat(store.stat(Digest.parse(digest))).as("nothing partial is published").isEmpty();

            store.failMidWrite.set(false);
            Response resumed = http.patch(location, rest, "Content-Range", "2000-5999");
            assertStatus(resumed, 202);
            location = resumed.header("Location").orElse(location);
            assertStatus(http.put(RegistryHttp.withQuery(location, "digest=" + digest), new byte[0]), 201);
            assertThat(Arrays.equals(http.get("/v2/" + REPO + "/blobs/" + digest).body(), blob)).isTrue();
            assertThat(store.liveStagedWrites()).as("no staged write is left behind").isZero();
        }
    }

    /**
     * The in-memory store with switches: {@code full} makes every write fail as a full disk would;
     * {@code failMidWrite} makes an append store half of its bytes and then fail with an I/O error.
     */
    private static final class FillableStore extends ForwardingBlobStore {
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicBoolean failMidWrite = new AtomicBoolean();
        private final java.util.Set<String> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

        FillableStore() {
            super(new InMemoryBlobStore());
        }

        int liveStagedWrites() {
            return live.size();
        }

        private void refuseWhenFull() {
            if (full.get()) {
                throw new StorageException(StorageException.Condition.FULL, "No space left on device (injected)",
                        null);
            }
        }

        @Override
        public StagedBlob stage() {
            refuseWhenFull();
            return track(super.stage());
        }

        @Override
        public java.util.Optional<StagedBlob> resume(String stagedId) {
            return super.resume(stagedId).map(this::track);
        }

        private StagedBlob track(StagedBlob staged) {
            live.add(staged.id());
            return new StagedBlob() {
                @Override
                public String id() {
                    return staged.id();
                }

                @Override
                public long size() {
                    return staged.size();
                }

                @Override
                public long append(InputStream in, boolean durable) {
                    refuseWhenFull();
                    if (failMidWrite.get()) {
                        byte[] half;
                        try {
                            half = in.readNBytes(Math.max(1, in.available() / 2));
                        } catch (java.io.IOException e) {
                            throw new StorageException("cannot read the bytes to stage", e);
                        }
                        staged.append(new java.io.ByteArrayInputStream(half), durable);
                        throw new StorageException("Input/output error (injected after " + half.length + " bytes)");
                    }
                    return staged.append(in, durable);
                }

                @Override
                public void truncate(long size) {
                    staged.truncate(size);
                }

                @Override
                public InputStream read() {
                    return staged.read();
                }

                @Override
                public BlobInfo commit(Digest digest) {
                    refuseWhenFull();
                    BlobInfo info = staged.commit(digest);
                    live.remove(staged.id());
                    return info;
                }

                @Override
                public void discard() {
                    staged.discard();
                    live.remove(staged.id());
                }
            };
        }
    }
}
