package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.Registry;
import dev.wharf.core.faults.FaultyBlobStore;
import dev.wharf.core.faults.FaultyMetadataStore;
import dev.wharf.core.faults.InjectedFault;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every write path of the HTTP API under every injected storage fault, on Jetty, Tomcat and Undertow: a full
 * device answers {@code 507 STORAGE_FULL} in the error envelope with a message that says so, a failing one
 * {@code 500 UNKNOWN} "internal error" (and neither lets the store's own words out); reads go on meanwhile;
 * nothing partial is visible, an upload session keeps the range it acknowledged, and no session or staged
 * write is left over; once the device is healthy the very same request succeeds, without a restart. A fault
 * aimed at calls a path does not make leaves that path working (a full blob store does not stop a manifest
 * push, a mount or a delete).
 *
 * <p>Each container serves one registry on faulty in-memory stores for all of its cases, each case in a
 * repository of its own; the faults are switched while it runs.
 */
class WritePathFaultHttpTest {
    private static final String SIGNATURE = "application/vnd.wharf.test.signature";

    @TestFactory
    Stream<DynamicContainer> shouldAnswerEveryWritePathUnderEveryFaultOnEveryContainer() {
        return Arrays.stream(ContainerUnderTest.values()).map(container -> {
            Stage stage = new Stage(container);
            Stream<DynamicTest> cases = Arrays.stream(WritePath.values()).flatMap(path ->
                    Arrays.stream(InjectedFault.values()).map(fault ->
                            DynamicTest.dynamicTest(path + " under " + fault, () -> stage.run(path, fault))));
            return DynamicContainer.dynamicContainer(container.name(), cases.onClose(stage::close));
        });
    }

    /** One request: how to send it, its status when it succeeds, what holds while it fails and once it worked. */
    record Write(Supplier<Response> call, int status, Runnable unchanged, Consumer<Response> done) {
    }

    /**
     * The write paths with the store calls each makes: a fault aimed at one of them must fail the request, a
     * fault aimed elsewhere must not.
     */
    enum WritePath {
        START_UPLOAD(Set.of(FaultyMetadataStore.Operation.PUT_UPLOAD), Set.of(FaultyBlobStore.Operation.STAGE)) {
            @Override
            Write prepare(Stage s, String repo) {
                return new Write(() -> s.http.post("/v2/" + repo + "/blobs/uploads/", new byte[0]), 202,
                        s::assertNoSessionOrStagedWrite,
                        r -> {
                            String location = r.header("Location").orElseThrow();
                            assertThat(s.http.get(location).header("Range")).contains("0-0");
                            assertStatus(s.http.delete(location), 204);
                        });
            }
        },
        CHUNK(Set.of(FaultyMetadataStore.Operation.PUT_UPLOAD), Set.of(FaultyBlobStore.Operation.APPEND)) {
            @Override
            Write prepare(Stage s, String repo) {
                byte[] blob = Content.randomBytes(2000);
                String location = s.session(repo, Content.slice(blob, 0, 1000));
                return new Write(() -> s.http.patch(location, Content.slice(blob, 1000, 2000), "Content-Range", "1000-1999"),
                        202, () -> s.assertSessionRange(location, "0-999"),
                        r -> {
                            s.assertSessionRange(location, "0-1999");
                            assertStatus(s.http.put(RegistryHttp.withQuery(location, "digest=" + Content.sha256(blob)),
                                    new byte[0]), 201);
                            s.assertBlob(repo, blob);
                        });
            }
        },
        CLOSING_PUT(Set.of(FaultyMetadataStore.Operation.LINK_BLOB), Set.of(FaultyBlobStore.Operation.COMMIT)) {
            @Override
            Write prepare(Stage s, String repo) {
                byte[] blob = Content.randomBytes(2000);
                String location = s.session(repo, blob);
                return new Write(() -> s.http.put(RegistryHttp.withQuery(location, "digest=" + Content.sha256(blob)),
                        new byte[0]), 201,
                        () -> {
                            s.assertNoBlob(repo, blob);
                            s.assertSessionRange(location, "0-1999");
                        },
                        r -> s.assertBlobAndSessionGone(repo, blob, location));
            }
        },
        CLOSING_PUT_WITH_BODY(Set.of(FaultyMetadataStore.Operation.LINK_BLOB),
                Set.of(FaultyBlobStore.Operation.APPEND, FaultyBlobStore.Operation.COMMIT)) {
            @Override
            Write prepare(Stage s, String repo) {
                byte[] blob = Content.randomBytes(2000);
                String location = s.session(repo, Content.slice(blob, 0, 1200));
                return new Write(() -> s.http.put(RegistryHttp.withQuery(location, "digest=" + Content.sha256(blob)),
                        Content.slice(blob, 1200, 2000)), 201,
                        () -> {
                            s.assertNoBlob(repo, blob);
                            s.assertSessionRange(location, "0-1199");
                        },
                        r -> s.assertBlobAndSessionGone(repo, blob, location));
            }
        },
        MONOLITHIC_PUSH(Set.of(FaultyMetadataStore.Operation.LINK_BLOB), FaultyBlobStore.Operation.WRITES) {
            @Override
            Write prepare(Stage s, String repo) {
                byte[] blob = Content.randomBytes(3000);
                return new Write(() -> s.http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Content.sha256(blob),
                        blob), 201,
                        () -> {
                            s.assertNoBlob(repo, blob);
                            s.assertNoSessionOrStagedWrite();
                        },
                        r -> s.assertBlob(repo, blob));
            }
        },
        MOUNT(Set.of(FaultyMetadataStore.Operation.LINK_BLOB), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                byte[] blob = s.stable.layerBytes().get(0);
                return new Write(() -> s.http.post("/v2/" + repo + "/blobs/uploads/?mount=" + Content.sha256(blob)
                        + "&from=" + s.stable.repo(), new byte[0]), 201,
                        () -> s.assertNoBlob(repo, blob),
                        r -> s.assertBlob(repo, blob));
            }
        },
        MOUNT_FALLING_BACK_TO_A_SESSION(Set.of(FaultyMetadataStore.Operation.PUT_UPLOAD),
                Set.of(FaultyBlobStore.Operation.STAGE)) {
            @Override
            Write prepare(Stage s, String repo) {
                return new Write(() -> s.http.post("/v2/" + repo + "/blobs/uploads/?mount=" + Content.unknownDigest()
                        + "&from=" + s.stable.repo(), new byte[0]), 202,
                        s::assertNoSessionOrStagedWrite,
                        r -> assertStatus(s.http.delete(r.header("Location").orElseThrow()), 204));
            }
        },
        BLOB_DELETE(Set.of(FaultyMetadataStore.Operation.UNLINK_BLOB), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                byte[] blob = Content.randomBytes(500);
                String digest = s.http.pushBlob(repo, blob);
                return new Write(() -> s.http.delete("/v2/" + repo + "/blobs/" + digest), 202,
                        () -> s.assertBlob(repo, blob),
                        r -> s.assertNoBlob(repo, blob));
            }
        },
        MANIFEST_BY_TAG(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                PushedImage image = s.image(repo);
                byte[] moved = s.manifestOf(image, "moved").bytes();
                return new Write(() -> s.http.putManifest(repo, "v1", MediaTypes.OCI_MANIFEST, moved), 201,
                        () -> {
                            s.assertTag(repo, "v1", image.manifest());
                            s.assertNoManifest(repo, Content.sha256(moved));
                        },
                        r -> {
                            s.assertTag(repo, "v1", moved);
                            s.assertManifest(repo, image.digest(), image.manifest());
                        });
            }
        },
        MANIFEST_BY_DIGEST(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                PushedImage image = s.image(repo);
                byte[] untagged = s.manifestOf(image, "untagged").bytes();
                String digest = Content.sha256(untagged);
                return new Write(() -> s.http.putManifest(repo, digest, MediaTypes.OCI_MANIFEST, untagged), 201,
                        () -> s.assertNoManifest(repo, digest),
                        r -> {
                            s.assertManifest(repo, digest, untagged);
                            assertThat(s.tags(repo)).containsExactly("sig", "v1");
                        });
            }
        },
        REFERRER_BY_TAG(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                PushedImage image = s.image(repo);
                byte[] referrer = s.manifestOf(image, "second signature").artifactType(SIGNATURE)
                        .subject(image.descriptor()).bytes();
                String digest = Content.sha256(referrer);
                return new Write(() -> s.http.putManifest(repo, "signed", MediaTypes.OCI_MANIFEST, referrer), 201,
                        () -> {
                            s.assertNoManifest(repo, digest);
                            assertThat(s.tags(repo)).doesNotContain("signed");
                            assertThat(s.referrers(repo, image)).hasSize(1).doesNotContain(digest);
                        },
                        r -> {
                            assertThat(r.header("OCI-Subject")).contains(image.digest());
                            s.assertTag(repo, "signed", referrer);
                            assertThat(s.referrers(repo, image)).hasSize(2).contains(digest);
                        });
            }
        },
        REFERRER_BY_DIGEST(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                PushedImage image = s.image(repo);
                byte[] referrer = s.manifestOf(image, "attestation").artifactType(SIGNATURE)
                        .subject(image.descriptor()).bytes();
                String digest = Content.sha256(referrer);
                return new Write(() -> s.http.putManifest(repo, digest, MediaTypes.OCI_MANIFEST, referrer), 201,
                        () -> {
                            s.assertNoManifest(repo, digest);
                            assertThat(s.referrers(repo, image)).hasSize(1).doesNotContain(digest);
                        },
                        r -> {
                            s.assertManifest(repo, digest, referrer);
                            assertThat(s.referrers(repo, image)).hasSize(2).contains(digest);
                        });
            }
        },
        MANIFEST_DELETE(Set.of(FaultyMetadataStore.Operation.DELETE_MANIFEST), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                PushedImage image = s.image(repo);
                String signature = s.referrers(repo, image).get(0);
                return new Write(() -> s.http.delete("/v2/" + repo + "/manifests/" + signature), 202,
                        () -> {
                            assertStatus(s.http.get("/v2/" + repo + "/manifests/sig"), 200);
                            assertThat(s.referrers(repo, image)).containsExactly(signature);
                        },
                        r -> {
                            s.assertNoManifest(repo, signature);
                            assertThat(s.tags(repo)).containsExactly("v1");
                            assertThat(s.referrers(repo, image)).isEmpty();
                        });
            }
        },
        TAG_DELETE(Set.of(FaultyMetadataStore.Operation.DELETE_TAG), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                PushedImage image = s.image(repo);
                return new Write(() -> s.http.delete("/v2/" + repo + "/manifests/v1"), 202,
                        () -> s.assertTag(repo, "v1", image.manifest()),
                        r -> {
                            assertError(s.http.get("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
                            s.assertManifest(repo, image.digest(), image.manifest());
                        });
            }
        },
        UPLOAD_CANCEL(Set.of(FaultyMetadataStore.Operation.DELETE_UPLOAD), Set.of()) {
            @Override
            Write prepare(Stage s, String repo) {
                String location = s.session(repo, Content.randomBytes(700));
                return new Write(() -> s.http.delete(location), 204,
                        () -> s.assertSessionRange(location, "0-699"),
                        r -> {
                            assertError(s.http.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
                            s.assertNoSessionOrStagedWrite();
                        });
            }
        };

        private final Set<FaultyMetadataStore.Operation> metadataWrites;
        private final Set<FaultyBlobStore.Operation> blobWrites;

        WritePath(Set<FaultyMetadataStore.Operation> metadataWrites, Set<FaultyBlobStore.Operation> blobWrites) {
            this.metadataWrites = metadataWrites.isEmpty() ? EnumSet.noneOf(FaultyMetadataStore.Operation.class)
                    : EnumSet.copyOf(metadataWrites);
            this.blobWrites = blobWrites.isEmpty() ? EnumSet.noneOf(FaultyBlobStore.Operation.class)
                    : EnumSet.copyOf(blobWrites);
        }

        /** Arranges, with healthy stores, what the request needs in {@code repo}; returns the request. */
        abstract Write prepare(Stage s, String repo);

        boolean meets(InjectedFault fault) {
            return fault.meets(metadataWrites, blobWrites);
        }
    }

    /**
     * One container serving a registry on faulty in-memory stores, started at its first case, with an image
     * that no case changes (the content reads are checked against while a fault is on).
     */
    static final class Stage implements AutoCloseable {
        private final ContainerUnderTest container;
        FaultyBlobStore blobs;
        FaultyMetadataStore metadata;
        RegistryServer server;
        RegistryHttp http;
        PushedImage stable;
        private Set<String> sessionsBefore = Set.of();
        private long stagedBefore;

        Stage(ContainerUnderTest container) {
            this.container = container;
        }

        void run(WritePath path, InjectedFault fault) throws Exception {
            if (server == null) {
                start();
            }
            sessionsBefore = sessions();
            stagedBefore = blobs.stagedWrites();
            String repo = Content.uniqueRepo("faults");
            Write write = path.prepare(this, repo);
            fault.injectInto(metadata, blobs);
            try {
                Response first = write.call().get();
                if (!path.meets(fault)) {
                    assertStatus(first, write.status());
                    assertThat(strikes()).as("no call of this path meets the fault").isZero();
                    clear();
                    write.done().accept(first);
                } else {
                    assertThat(strikes()).as("the fault was met: %s", first.describe()).isPositive();
                    assertAnswered(first, fault);
                    assertReadsWork();
                    write.unchanged().run();

                    clear();
                    write.unchanged().run();
                    Response retried = write.call().get();
                    assertStatus(retried, write.status());
                    write.done().accept(retried);
                }
            } finally {
                clear();
            }
            assertNoSessionOrStagedWrite();
        }

        private void start() throws Exception {
            blobs = new FaultyBlobStore(new InMemoryBlobStore());
            metadata = new FaultyMetadataStore(new InMemoryMetadataStore());
            server = container.start(Registry.builder().blobStore(blobs).metadataStore(metadata).build(), null);
            http = new RegistryHttp(server.baseUri());
            stable = http.pushImage(Content.uniqueRepo("faults-stable"), "stable");
        }

        /** 507 STORAGE_FULL saying so for a full device, 500 UNKNOWN for a failing one; no internals either way. */
        private static void assertAnswered(Response r, InjectedFault fault) {
            JsonNode error = fault.isFull() ? assertError(r, 507, "STORAGE_FULL") : assertError(r, 500, "UNKNOWN");
            String message = error.path("message").asText();
            if (fault.isFull()) {
                assertThat(message).startsWith("storage is full").contains("retried once space is freed");
            } else {
                assertThat(message).isEqualTo("internal error");
            }
            assertThat(r.text()).as("the store's own words stay inside").doesNotContain("injected", "No space left",
                    "Input/output", "Exception", "dev.wharf");
        }

        void assertReadsWork() {
            assertStatus(http.head("/v2/" + stable.repo() + "/blobs/" + stable.layers().get(0).digest()), 200);
            Response blob = http.get("/v2/" + stable.repo() + "/blobs/" + stable.layers().get(1).digest());
            assertStatus(blob, 200);
            assertThat(blob.body()).isEqualTo(stable.layerBytes().get(1));
            Response manifest = http.get("/v2/" + stable.repo() + "/manifests/stable",
                    "Accept", MediaTypes.OCI_MANIFEST);
            assertStatus(manifest, 200);
            assertThat(manifest.body()).isEqualTo(stable.manifest());
            assertThat(tags(stable.repo())).containsExactly("stable");
            assertStatus(http.get("/v2/_catalog"), 200);
        }

        int strikes() {
            return metadata.strikes() + blobs.strikes();
        }

        void clear() {
            metadata.clear();
            blobs.clear();
        }

        /** Opens a session in {@code repo} and acknowledges {@code first} with one PATCH; returns its Location. */
        String session(String repo, byte[] first) {
            String location = http.startUpload(repo);
            assertStatus(http.patch(location, first, "Content-Range", "0-" + (first.length - 1)), 202);
            return location;
        }

        /** The image {@link RegistryHttp#pushImage} makes, tagged {@code v1}, and a signature of it tagged {@code sig}. */
        PushedImage image(String repo) {
            PushedImage image = http.pushImage(repo, "v1");
            http.pushManifest(repo, "sig", MediaTypes.OCI_MANIFEST, manifestOf(image, "signature")
                    .artifactType(SIGNATURE).subject(image.descriptor()).bytes());
            return image;
        }

        /** A manifest of {@code image}'s config and first layer, unique by {@code note}. */
        ManifestJson manifestOf(PushedImage image, String note) {
            return ManifestJson.ociManifest().config(image.config()).layer(image.layers().get(0))
                    .annotation("note", note);
        }

        void assertSessionRange(String location, String range) {
            Response status = http.get(location);
            assertStatus(status, 204);
            assertThat(status.header("Range")).as("the acknowledged range: %s", status.describe()).contains(range);
        }

        /** No upload session or staged write more than before this case (an earlier failed case may have left some). */
        void assertNoSessionOrStagedWrite() {
            assertThat(sessions()).as("upload sessions left").isEqualTo(sessionsBefore);
            assertThat(blobs.stagedWrites()).as("staged writes left").isEqualTo(stagedBefore);
        }

        private Set<String> sessions() {
            Set<String> ids = new HashSet<>();
            metadata.stored().uploads().forEach(u -> ids.add(u.id()));
            return ids;
        }

        void assertBlob(String repo, byte[] blob) {
            Response r = http.get("/v2/" + repo + "/blobs/" + Content.sha256(blob));
            assertStatus(r, 200);
            assertThat(r.body()).isEqualTo(blob);
        }

        void assertNoBlob(String repo, byte[] blob) {
            assertStatus(http.head("/v2/" + repo + "/blobs/" + Content.sha256(blob)), 404);
        }

        void assertBlobAndSessionGone(String repo, byte[] blob, String location) {
            assertBlob(repo, blob);
            assertError(http.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        }

        void assertManifest(String repo, String reference, byte[] bytes) {
            Response r = http.get("/v2/" + repo + "/manifests/" + reference, "Accept", MediaTypes.OCI_MANIFEST);
            assertStatus(r, 200);
            assertThat(r.body()).isEqualTo(bytes);
        }

        void assertTag(String repo, String tag, byte[] bytes) {
            assertManifest(repo, tag, bytes);
            assertThat(tags(repo)).contains(tag);
        }

        void assertNoManifest(String repo, String digest) {
            assertError(http.get("/v2/" + repo + "/manifests/" + digest), 404, "MANIFEST_UNKNOWN");
        }

        List<String> tags(String repo) {
            Response r = http.get("/v2/" + repo + "/tags/list");
            assertStatus(r, 200);
            List<String> tags = new ArrayList<>();
            r.json().path("tags").forEach(t -> tags.add(t.asText()));
            return tags;
        }

        List<String> referrers(String repo, PushedImage image) {
            Response r = http.get("/v2/" + repo + "/referrers/" + image.digest());
            assertStatus(r, 200);
            List<String> digests = new ArrayList<>();
            r.json().path("manifests").forEach(m -> digests.add(m.path("digest").asText()));
            return digests;
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
