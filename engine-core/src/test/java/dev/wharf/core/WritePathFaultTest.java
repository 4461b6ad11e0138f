package dev.wharf.core;

import dev.wharf.api.BlobContent;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStart;
import dev.wharf.core.faults.FaultyBlobStore;
import dev.wharf.core.faults.FaultyMetadataStore;
import dev.wharf.core.faults.InjectedFault;
import dev.wharf.core.faults.StorageFault;
import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.StorageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every write path of the Java API under every storage fault, injected at the blob-store and metadata-store
 * boundaries: a full device answers {@code STORAGE_FULL} with a message that says so, any other failure is the
 * store's own {@link StorageException} (which the HTTP layer answers as a server fault); reads go on meanwhile;
 * nothing partial is visible (a manifest is there with all its tags and its referrers entry or not at all, an
 * upload session keeps exactly the bytes it acknowledged, no staged write is left over); no event announces a
 * change that failed; and once the device is healthy the very same call succeeds, without a restart.
 *
 * <p>A fault aimed at calls a path does not make leaves that path working: a full blob store does not stop a
 * manifest push or a mount, which write metadata only.
 */
class WritePathFaultTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("faults/app");
    private static final RepositoryName SOURCE = RepositoryName.of("faults/source");
    private static final String ARTIFACT = "application/vnd.wharf.test.signature";

    /** One write: the call itself, what must still hold while it fails, and what holds once it succeeded. */
    record Write(Runnable call, Runnable unchanged, Runnable done) {
    }

    /**
     * The write paths, with the store calls each makes: a fault aimed at one of them must fail the write, a
     * fault aimed elsewhere must not.
     */
    enum WritePath {
        START_UPLOAD(Set.of(FaultyMetadataStore.Operation.PUT_UPLOAD), Set.of(FaultyBlobStore.Operation.STAGE)) {
            @Override
            Write prepare(Fixture f) {
                AtomicReference<UploadStart> started = new AtomicReference<>();
                return new Write(() -> started.set(f.registry.startUpload(ME, APP, Optional.empty())),
                        () -> f.assertNoSessionOrStagedWrite(),
                        () -> {
                            String id = started.get().session().orElseThrow().id();
                            assertThat(f.registry.uploadStatus(ME, APP, id).offset()).isZero();
                            assertThat(f.metadata.stored().upload(id)).isPresent();
                            f.registry.cancelUpload(ME, APP, id);
                        });
            }
        },
        CHUNK(Set.of(FaultyMetadataStore.Operation.PUT_UPLOAD), Set.of(FaultyBlobStore.Operation.APPEND)) {
            @Override
            Write prepare(Fixture f) {
                byte[] blob = f.content("chunked", 2000);
                String id = f.session(Arrays.copyOf(blob, 1000));
                return new Write(() -> f.registry.appendUpload(ME, APP, id, chunk(blob, 1000, 2000)),
                        () -> f.assertSessionAt(id, 1000),
                        () -> {
                            f.assertSessionAt(id, 2000);
                            f.registry.completeUpload(ME, APP, id, sha256(blob), UploadChunk.empty());
                            f.assertLinked(APP, blob);
                        });
            }
        },
        CLOSING_PUT(Set.of(FaultyMetadataStore.Operation.LINK_BLOB), Set.of(FaultyBlobStore.Operation.COMMIT)) {
            @Override
            Write prepare(Fixture f) {
                byte[] blob = f.content("closed", 2000);
                String id = f.session(blob);
                return new Write(() -> f.registry.completeUpload(ME, APP, id, sha256(blob), UploadChunk.empty()),
                        () -> {
                            f.assertNotLinked(APP, blob);
                            f.assertSessionAt(id, 2000);
                        },
                        () -> f.assertLinkedAndSessionGone(blob, id));
            }
        },
        CLOSING_PUT_WITH_BODY(Set.of(FaultyMetadataStore.Operation.LINK_BLOB),
                Set.of(FaultyBlobStore.Operation.APPEND, FaultyBlobStore.Operation.COMMIT)) {
            @Override
            Write prepare(Fixture f) {
                byte[] blob = f.content("closed with a body", 2000);
                String id = f.session(Arrays.copyOf(blob, 1200));
                return new Write(() -> f.registry.completeUpload(ME, APP, id, sha256(blob), chunk(blob, 1200, 2000)),
                        () -> {
                            f.assertNotLinked(APP, blob);
                            f.assertSessionAt(id, 1200);
                        },
                        () -> f.assertLinkedAndSessionGone(blob, id));
            }
        },
        MONOLITHIC_PUSH(Set.of(FaultyMetadataStore.Operation.LINK_BLOB), FaultyBlobStore.Operation.WRITES) {
            @Override
            Write prepare(Fixture f) {
                byte[] blob = f.content("monolithic", 3000);
                return new Write(() -> f.registry.pushBlob(ME, APP, sha256(blob), UploadChunk.of(blob)),
                        () -> {
                            f.assertNotLinked(APP, blob);
                            f.assertNoSessionOrStagedWrite();
                        },
                        () -> {
                            f.assertLinked(APP, blob);
                            f.assertNoSessionOrStagedWrite();
                        });
            }
        },
        MOUNT(Set.of(FaultyMetadataStore.Operation.LINK_BLOB), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                AtomicReference<UploadStart> mounted = new AtomicReference<>();
                return new Write(() -> mounted.set(f.registry.mount(ME, APP, f.sourceDigest, Optional.of(SOURCE))),
                        () -> {
                            f.assertNotLinked(APP, f.sourceBlob);
                            f.assertNoSessionOrStagedWrite();
                        },
                        () -> {
                            assertThat(mounted.get().blob()).as("linked, not a session").isPresent();
                            f.assertLinked(APP, f.sourceBlob);
                        });
            }
        },
        /** A mount of content nobody may read opens an ordinary upload session instead. */
        MOUNT_FALLING_BACK_TO_A_SESSION(Set.of(FaultyMetadataStore.Operation.PUT_UPLOAD),
                Set.of(FaultyBlobStore.Operation.STAGE)) {
            @Override
            Write prepare(Fixture f) {
                Digest unknown = sha256(f.content("stored nowhere", 100));
                AtomicReference<UploadStart> mounted = new AtomicReference<>();
                return new Write(() -> mounted.set(f.registry.mount(ME, APP, unknown, Optional.of(SOURCE))),
                        () -> f.assertNoSessionOrStagedWrite(),
                        () -> {
                            String id = mounted.get().session().orElseThrow().id();
                            assertThat(f.registry.uploadStatus(ME, APP, id).offset()).isZero();
                            f.registry.cancelUpload(ME, APP, id);
                            f.assertNoSessionOrStagedWrite();
                        });
            }
        },
        BLOB_DELETE(Set.of(FaultyMetadataStore.Operation.UNLINK_BLOB), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                byte[] blob = f.content("deleted", 500);
                f.registry.pushBlob(ME, APP, sha256(blob), UploadChunk.of(blob));
                return new Write(() -> f.registry.deleteBlob(ME, APP, sha256(blob)),
                        () -> f.assertLinked(APP, blob),
                        () -> f.assertNotLinked(APP, blob));
            }
        },
        MANIFEST_BY_TAG(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                byte[] manifest = f.imageManifest("moved", Optional.empty());
                Digest digest = sha256(manifest);
                return new Write(() -> f.registry.pushManifest(ME, APP, Tag.of("v1"), MediaTypes.OCI_MANIFEST, manifest,
                                List.of(Tag.of("v2"))),
                        () -> {
                            assertThat(f.registry.manifest(ME, APP, Tag.of("v1")).digest()).isEqualTo(f.image);
                            f.assertNoManifest(digest);
                            f.assertNoTag("v2");
                        },
                        () -> {
                            assertThat(f.registry.manifest(ME, APP, Tag.of("v1")).digest()).isEqualTo(digest);
                            assertThat(f.registry.manifest(ME, APP, Tag.of("v2")).digest()).isEqualTo(digest);
                            assertThat(f.registry.manifest(ME, APP, f.image).digest()).isEqualTo(f.image);
                        });
            }
        },
        MANIFEST_BY_DIGEST(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                byte[] manifest = f.imageManifest("untagged", Optional.empty());
                Digest digest = sha256(manifest);
                return new Write(() -> f.registry.pushManifest(ME, APP, digest, MediaTypes.OCI_MANIFEST, manifest, List.of()),
                        () -> f.assertNoManifest(digest),
                        () -> {
                            assertThat(Arrays.equals(f.registry.manifest(ME, APP, digest).bytes(), manifest)).isTrue();
                            assertThat(f.tags()).containsExactly("sig", "v1");
                        });
            }
        },
        REFERRER_BY_TAG(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                byte[] manifest = f.imageManifest("a second signature", Optional.of(f.image));
                Digest digest = sha256(manifest);
                return new Write(() -> f.registry.pushManifest(ME, APP, Tag.of("signed"), MediaTypes.OCI_MANIFEST,
                                manifest, List.of()),
                        () -> {
                            f.assertNoManifest(digest);
                            f.assertNoTag("signed");
                            assertThat(f.referrers()).containsExactly(f.signature);
                        },
                        () -> {
                            assertThat(f.registry.manifest(ME, APP, Tag.of("signed")).digest()).isEqualTo(digest);
                            assertThat(f.referrers()).containsExactlyInAnyOrder(f.signature, digest);
                        });
            }
        },
        REFERRER_BY_DIGEST(Set.of(FaultyMetadataStore.Operation.PUT_MANIFEST), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                byte[] manifest = f.imageManifest("an untagged attestation", Optional.of(f.image));
                Digest digest = sha256(manifest);
                return new Write(() -> f.registry.pushManifest(ME, APP, digest, MediaTypes.OCI_MANIFEST, manifest, List.of()),
                        () -> {
                            f.assertNoManifest(digest);
                            assertThat(f.referrers()).containsExactly(f.signature);
                        },
                        () -> {
                            assertThat(f.registry.manifest(ME, APP, digest).bytes()).isEqualTo(manifest);
                            assertThat(f.referrers()).containsExactlyInAnyOrder(f.signature, digest);
                        });
            }
        },
        MANIFEST_DELETE(Set.of(FaultyMetadataStore.Operation.DELETE_MANIFEST), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                return new Write(() -> f.registry.deleteManifest(ME, APP, f.signature),
                        () -> {
                            assertThat(f.registry.manifest(ME, APP, Tag.of("sig")).digest()).isEqualTo(f.signature);
                            assertThat(f.referrers()).containsExactly(f.signature);
                        },
                        () -> {
                            f.assertNoManifest(f.signature);
                            f.assertNoTag("sig");
                            assertThat(f.referrers()).isEmpty();
                        });
            }
        },
        TAG_DELETE(Set.of(FaultyMetadataStore.Operation.DELETE_TAG), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                return new Write(() -> f.registry.deleteManifest(ME, APP, Tag.of("v1")),
                        () -> assertThat(f.registry.manifest(ME, APP, Tag.of("v1")).digest()).isEqualTo(f.image),
                        () -> {
                            f.assertNoTag("v1");
                            assertThat(f.registry.manifest(ME, APP, f.image).digest()).isEqualTo(f.image);
                        });
            }
        },
        UPLOAD_CANCEL(Set.of(FaultyMetadataStore.Operation.DELETE_UPLOAD), Set.of()) {
            @Override
            Write prepare(Fixture f) {
                byte[] blob = f.content("cancelled", 1500);
                String id = f.session(Arrays.copyOf(blob, 700));
                return new Write(() -> f.registry.cancelUpload(ME, APP, id),
                        () -> f.assertSessionAt(id, 700),
                        () -> {
                            assertThatThrownBy(() -> f.registry.uploadStatus(ME, APP, id))
                                    .isInstanceOfSatisfying(RegistryException.class,
                                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
                            f.assertNoSessionOrStagedWrite();
                        });
            }
        };

        final Set<FaultyMetadataStore.Operation> metadataWrites;
        final Set<FaultyBlobStore.Operation> blobWrites;

        WritePath(Set<FaultyMetadataStore.Operation> metadataWrites, Set<FaultyBlobStore.Operation> blobWrites) {
            this.metadataWrites = metadataWrites;
            this.blobWrites = blobWrites;
        }

        /** Arranges what the write needs (with healthy stores) and returns it. */
        abstract Write prepare(Fixture f);

        boolean meets(InjectedFault fault) {
            return fault.meets(metadataWrites, blobWrites);
        }
    }

    static Stream<Arguments> everyWritePathUnderEveryFault() {
        return Arrays.stream(WritePath.values())
                .flatMap(path -> Arrays.stream(InjectedFault.values()).map(fault -> Arguments.of(path, fault)));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("everyWritePathUnderEveryFault")
    void shouldFailCleanlyKeepReadingAndSucceedOnceTheFaultClears(WritePath path, InjectedFault fault) {
        try (Fixture f = new Fixture()) {
            Write write = path.prepare(f);
            int events = f.events.size();
            f.inject(fault);

            if (!path.meets(fault)) {
                write.call().run();
                assertThat(f.strikes()).as("no call of this path meets the fault").isZero();
                f.clear();
                write.done().run();
                f.assertNoSessionOrStagedWrite();
                return;
            }

            Throwable thrown = catchThrowable(() -> write.call().run());
            assertThat(f.strikes()).as("the fault was met").isPositive();
            if (fault.isFull()) {
                assertThat(thrown).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FULL);
                    assertThat(e.getMessage()).startsWith("storage is full").contains("nothing of the request was kept");
                });
            } else {
                assertThat(thrown).isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.condition()).isEqualTo(StorageException.Condition.FAILED));
            }
            f.assertReadsWork();
            write.unchanged().run();
            assertThat(f.events).as("no event for a change that failed").hasSize(events);

            f.clear();
            write.unchanged().run();
            write.call().run();
            write.done().run();
            f.assertNoSessionOrStagedWrite();
        }
    }

    /**
     * The closing {@code PUT} has published and linked the blob when removing the finished session's record
     * fails: the upload did succeed, so it is answered as such; the record, whose staged bytes are gone, is
     * dropped at its next look-up (or by expiry), and the client never sees the session again.
     */
    @ParameterizedTest(name = "record removal {0}")
    @MethodSource("failingFaults")
    void shouldFinishTheUploadWhenOnlyTheFinishedSessionsRecordCannotBeRemoved(StorageFault fault) {
        try (Fixture f = new Fixture()) {
            byte[] blob = f.content("finished", 1800);
            String id = f.session(blob);
            f.metadata.inject(fault, FaultyMetadataStore.Operation.DELETE_UPLOAD);

            f.registry.completeUpload(ME, APP, id, sha256(blob), UploadChunk.empty());
            assertThat(f.metadata.strikes()).isEqualTo(1);
            f.assertLinked(APP, blob);
            assertThat(f.events).extracting(RegistryEvent::type).last().isEqualTo(RegistryEvent.Type.BLOB_UPLOADED);
            assertThat(f.blobs.stagedWrites()).isZero();

            f.clear();
            assertThatThrownBy(() -> f.registry.uploadStatus(ME, APP, id))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BLOB_UPLOAD_UNKNOWN));
            f.assertNoSessionOrStagedWrite();
        }
    }

    /**
     * Opening a session does not wait for durability, so the thread that opened it has an unsynced write; a
     * later read of a session on that thread (a pooled request thread, say) must not be the one that pays for
     * it when the metadata device cannot sync.
     */
    @ParameterizedTest(name = "sync {0}")
    @MethodSource("failingFaults")
    void shouldReportASessionWhileTheMetadataCannotSync(StorageFault fault) {
        try (Fixture f = new Fixture()) {
            String id = f.registry.startUpload(ME, APP, Optional.empty()).session().orElseThrow().id();
            f.metadata.inject(fault, FaultyMetadataStore.Operation.SYNC);

            assertThat(f.registry.uploadStatus(ME, APP, id).offset()).isZero();
            f.assertReadsWork();

            f.clear();
            f.registry.cancelUpload(ME, APP, id);
            f.assertNoSessionOrStagedWrite();
        }
    }

    static Stream<StorageFault> failingFaults() {
        return Stream.of(StorageFault.full(), StorageFault.failed());
    }

    // ---- fixture ----

    /**
     * A registry on faulty in-memory stores holding an image tagged {@code v1} in {@link #APP}, a signature
     * of it (a referrer, tagged {@code sig}), and a blob in {@link #SOURCE} to mount from.
     */
    static final class Fixture implements AutoCloseable {
        final FaultyBlobStore blobs = new FaultyBlobStore(new InMemoryBlobStore());
        final FaultyMetadataStore metadata = new FaultyMetadataStore(new InMemoryMetadataStore());
        final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        final Registry registry = Registry.builder().blobStore(blobs).metadataStore(metadata).listener(events::add)
                .build();
        final byte[] config = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        final byte[] layer = utf8("layer bytes of the image that stays readable throughout");
        final byte[] sourceBlob = utf8("a layer another repository holds");
        final Digest sourceDigest = sha256(sourceBlob);
        final byte[] imageBytes;
        final Digest image;
        final Digest signature;

        Fixture() {
            registry.pushBlob(ME, APP, sha256(config), UploadChunk.of(config));
            registry.pushBlob(ME, APP, sha256(layer), UploadChunk.of(layer));
            registry.pushBlob(ME, SOURCE, sourceDigest, UploadChunk.of(sourceBlob));
            imageBytes = imageManifest("image", Optional.empty());
            image = registry.pushManifest(ME, APP, Tag.of("v1"), MediaTypes.OCI_MANIFEST, imageBytes, List.of()).digest();
            signature = registry.pushManifest(ME, APP, Tag.of("sig"), MediaTypes.OCI_MANIFEST,
                    imageManifest("signature", Optional.of(image)), List.of()).digest();
        }

        void inject(InjectedFault fault) {
            fault.injectInto(metadata, blobs);
        }

        int strikes() {
            return metadata.strikes() + blobs.strikes();
        }

        void clear() {
            metadata.clear();
            blobs.clear();
        }

        /** A manifest of the image's config and layer, unique by {@code note}, with an optional subject. */
        byte[] imageManifest(String note, Optional<Digest> subject) {
            String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\""
                    + (subject.isPresent() ? ",\"artifactType\":\"" + ARTIFACT + "\"" : "")
                    + ",\"config\":" + descriptor(MediaTypes.OCI_CONFIG, config)
                    + ",\"layers\":[" + descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, layer) + "]"
                    + subject.map(s -> ",\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\""
                            + s + "\",\"size\":" + imageBytes.length + "}").orElse("")
                    + ",\"annotations\":{\"note\":\"" + note + "\"}}";
            return utf8(json);
        }

        /** {@code size} bytes unique to {@code seed}. */
        byte[] content(String seed, int size) {
            byte[] bytes = new byte[size];
            byte[] pattern = utf8(seed + "/");
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (pattern[i % pattern.length] + i / pattern.length);
            }
            return bytes;
        }

        /** Opens a session and acknowledges {@code first} in one chunk; returns the session id. */
        String session(byte[] first) {
            String id = registry.startUpload(ME, APP, Optional.empty()).session().orElseThrow().id();
            registry.appendUpload(ME, APP, id, chunk(first, 0, first.length));
            return id;
        }

        void assertReadsWork() {
            assertThat(registry.statBlob(ME, APP, sha256(layer))).map(b -> b.size()).contains((long) layer.length);
            try (BlobContent content = registry.readBlob(ME, APP, sha256(layer), Optional.of(new ByteRange(0, 4)))) {
                assertThat(content.stream().readAllBytes()).isEqualTo(Arrays.copyOf(layer, 5));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(registry.manifest(ME, APP, image).bytes()).isEqualTo(imageBytes);
            assertThat(tags()).contains("sig");
            assertThat(registry.catalog(ME, Optional.empty(), 10).items()).contains(APP, SOURCE);
        }

        void assertSessionAt(String id, long offset) {
            assertThat(registry.uploadStatus(ME, APP, id).offset()).as("the session's acknowledged bytes").isEqualTo(offset);
            assertThat(metadata.stored().upload(id)).map(r -> r.offset()).as("as stored").contains(offset);
        }

        void assertNoSessionOrStagedWrite() {
            assertThat(metadata.stored().uploads()).as("upload sessions left").isEmpty();
            assertThat(blobs.stagedWrites()).as("staged writes left").isZero();
        }

        void assertLinked(RepositoryName repo, byte[] blob) {
            Digest digest = sha256(blob);
            assertThat(registry.statBlob(ME, repo, digest)).map(b -> b.size()).contains((long) blob.length);
            try (BlobContent content = registry.readBlob(ME, repo, digest, Optional.empty());
                 InputStream in = content.stream()) {
                assertThat(in.readAllBytes()).isEqualTo(blob);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void assertNotLinked(RepositoryName repo, byte[] blob) {
            assertThat(registry.statBlob(ME, repo, sha256(blob))).isEmpty();
            assertThat(metadata.stored().isBlobLinked(repo, sha256(blob))).isFalse();
        }

        void assertLinkedAndSessionGone(byte[] blob, String id) {
            assertLinked(APP, blob);
            assertThatThrownBy(() -> registry.uploadStatus(ME, APP, id)).isInstanceOf(RegistryException.class);
            assertNoSessionOrStagedWrite();
        }

        void assertNoManifest(Digest digest) {
            assertThatThrownBy(() -> registry.manifest(ME, APP, digest))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
            assertThat(metadata.stored().tagsOf(APP, digest, 10)).as("tags of a manifest that is not there").isEmpty();
        }

        void assertNoTag(String tag) {
            assertThat(tags()).doesNotContain(tag);
            assertThat(metadata.stored().resolveTag(APP, Tag.of(tag))).isEmpty();
        }

        List<String> tags() {
            return registry.tags(ME, APP, Optional.empty(), 100).items().stream().map(Tag::value).toList();
        }

        List<Digest> referrers() {
            return registry.referrers(ME, APP, image, Optional.empty()).referrers().stream()
                    .map(Descriptor::digest).toList();
        }

        @Override
        public void close() {
            registry.close();
        }
    }

    static UploadChunk chunk(byte[] blob, int from, int to) {
        return new UploadChunk(new ByteArrayInputStream(blob, from, to - from), OptionalLong.of(to - from),
                Optional.of(new ByteRange(from, to - 1)));
    }

    static Digest sha256(byte[] bytes) {
        return DigestAlgorithm.SHA256.digest(bytes);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String descriptor(String mediaType, byte[] blob) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + sha256(blob) + "\",\"size\":" + blob.length + "}";
    }

}
