package dev.wharf.core.quota;

import dev.wharf.api.Action;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.GcSettings;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.QuotaStatus;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadStatus;
import dev.wharf.api.Usage;
import dev.wharf.core.storage.InMemoryMetadataStore;
import dev.wharf.spi.ForwardingMetadataStore;
import dev.wharf.spi.MetadataStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Quotas through the engine: each kind refused at each check point with the documented error, nothing
 * half-counted after a refusal, de-duplicated counting, usage read by access, and recount/verify.
 */
class QuotaTest {
    private static final Caller ME = Caller.anonymous();
    private static final RepositoryName APP = RepositoryName.of("team/app");
    private static final RepositoryName LIB = RepositoryName.of("team/lib");
    private static final RepositoryName ELSEWHERE = RepositoryName.of("other/app");

    private static byte[] bytes(int n, char fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    private static Registry registry(QuotaRule... rules) {
        var builder = Registry.builder();
        for (QuotaRule rule : rules) {
            builder.quota(rule);
        }
        return builder.build();
    }

    private static Digest push(Registry registry, RepositoryName repo, byte[] content) {
        Digest digest = DigestAlgorithm.SHA256.digest(content);
        registry.pushBlob(ME, repo, digest, UploadChunk.of(content));
        return digest;
    }

    private static byte[] imageManifest(Digest config, long configSize, String seed) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":" + configSize
                + "},\"layers\":[],\"annotations\":{\"seed\":\"" + seed + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static Usage usage(Registry registry, String scope) {
        return registry.usage(ME, scope).map(QuotaStatus::used).orElseThrow();
    }

    private static void assertQuotaRefusal(Throwable thrown, ErrorCode code, String scope, String kind, long limit,
                                           long used, long requested) {
        assertThat(thrown).isInstanceOf(RegistryException.class);
        RegistryException e = (RegistryException) thrown;
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.code().httpStatus()).isEqualTo(403);
        assertThat(e.getMessage()).startsWith("quota exceeded: " + scope);
        assertThat(e.detail()).contains(Map.of("reason", "QUOTA_EXCEEDED", "scope", scope, "kind", kind,
                "limit", limit, "used", used, "requested", requested));
    }

    @Test
    void shouldRefuseAMonolithicPushOverTheNamespaceBytesWithDeniedAndTheNumbers() {
        try (Registry registry = registry(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(1000)))) {
            push(registry, APP, bytes(600, 'a'));
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> push(registry, LIB, bytes(500, 'b')));
            assertQuotaRefusal(thrown, ErrorCode.DENIED, "team/**", "bytes", 1000, 600, 500);
            assertThat(((RegistryException) thrown).getMessage())
                    .isEqualTo("quota exceeded: team/** may store 1000 bytes; 600 bytes is stored and this push"
                            + " needs 500 bytes more");
            assertThat(usage(registry, "team/**")).isEqualTo(new Usage(600, 0, 0, 1));
            push(registry, ELSEWHERE, bytes(5000, 'c')); // outside the namespace: no limit
            push(registry, LIB, bytes(600, 'a')); // the same bytes again: de-duplicated, free
            assertThat(usage(registry, "team/**")).isEqualTo(new Usage(600, 0, 0, 2));
            assertThat(registry.verifyUsage(false)).isEmpty();
        }
    }

    @Test
    void shouldAnswerQuotaExceededWhenConfiguredSo() {
        try (Registry registry = Registry.builder().quotaRefusalCode(ErrorCode.QUOTA_EXCEEDED)
                .quota(QuotaRule.eachRepository("team/*", QuotaLimits.NONE.withBytes(10))).build()) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> push(registry, APP, bytes(11, 'a')));
            assertQuotaRefusal(thrown, ErrorCode.QUOTA_EXCEEDED, "team/app", "bytes", 10, 0, 11);
        }
    }

    @Test
    void shouldRefuseAChunkBeforeItsBytesAndLeaveTheSessionAsItWas() {
        try (Registry registry = registry(QuotaRule.eachRepository("team/**", QuotaLimits.NONE.withBytes(1000)))) {
            UploadStatus session = registry.startUpload(ME, APP, Optional.empty()).session().orElseThrow();
            registry.appendUpload(ME, APP, session.id(), UploadChunk.of(bytes(700, 'a')));
            // A declared chunk that would end past the limit: refused before a byte is read.
            ThrowingStream unread = new ThrowingStream();
            assertThatThrownBy(() -> registry.appendUpload(ME, APP, session.id(), new UploadChunk(unread,
                    OptionalLong.of(400), Optional.of(new ByteRange(700, 1099)))))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.detail()).contains(Map.of("reason", "QUOTA_EXCEEDED",
                                    "scope", "team/app", "kind", "bytes", "limit", 1000L, "used", 0L,
                                    "requested", 1100L)));
            assertThat(unread.touched).isFalse();
            // A chunk of unknown length: read, then refused before it is acknowledged.
            assertThatThrownBy(() -> registry.appendUpload(ME, APP, session.id(),
                    UploadChunk.of(new ByteArrayInputStream(bytes(400, 'b')))))
                    .isInstanceOf(RegistryException.class).hasMessageStartingWith("quota exceeded: team/app");
            assertThat(registry.uploadStatus(ME, APP, session.id()).offset()).isEqualTo(700);
            // The session goes on from where it was, and completes within the quota.
            byte[] whole = new byte[1000];
            System.arraycopy(bytes(700, 'a'), 0, whole, 0, 700);
            System.arraycopy(bytes(300, 'c'), 0, whole, 700, 300);
            registry.completeUpload(ME, APP, session.id(), DigestAlgorithm.SHA256.digest(whole),
                    UploadChunk.of(bytes(300, 'c')));
            assertThat(usage(registry, "team/app").bytes()).isEqualTo(1000);
        }
    }

    @Test
    void shouldRefuseACompletingPutOverTheQuotaAndKeepTheSession() {
        try (Registry registry = registry(QuotaRule.eachRepository("team/**", QuotaLimits.NONE.withBytes(1000)))) {
            push(registry, APP, bytes(900, 'z'));
            UploadStatus session = registry.startUpload(ME, APP, Optional.empty()).session().orElseThrow();
            byte[] blob = bytes(200, 'y');
            registry.appendUpload(ME, APP, session.id(), UploadChunk.of(java.util.Arrays.copyOf(blob, 100)));
            assertThatThrownBy(() -> registry.completeUpload(ME, APP, session.id(),
                    DigestAlgorithm.SHA256.digest(blob), UploadChunk.of(new ByteArrayInputStream(blob, 100, 100))))
                    .isInstanceOf(RegistryException.class).hasMessageStartingWith("quota exceeded: team/app");
            assertThat(registry.uploadStatus(ME, APP, session.id()).offset()).isEqualTo(100);
            assertThat(registry.statBlob(ME, APP, DigestAlgorithm.SHA256.digest(blob))).isEmpty();
            assertThat(usage(registry, "team/app").bytes()).isEqualTo(900);
        }
    }

    @Test
    void shouldRefuseAMountThatWouldCrossTheQuotaAndCountOneThatFits() {
        try (Registry registry = registry(QuotaRule.eachRepository("team/*", QuotaLimits.NONE.withBytes(1000)))) {
            Digest big = push(registry, ELSEWHERE, bytes(1200, 'm'));
            Digest small = push(registry, ELSEWHERE, bytes(300, 's'));
            assertThatThrownBy(() -> registry.mount(ME, APP, big, Optional.of(ELSEWHERE)))
                    .isInstanceOf(RegistryException.class).hasMessageStartingWith("quota exceeded: team/app");
            assertThat(registry.statBlob(ME, APP, big)).isEmpty();
            assertThat(registry.mount(ME, APP, small, Optional.of(ELSEWHERE)).blob()).isPresent();
            assertThat(usage(registry, "team/app").bytes()).isEqualTo(300);
        }
    }

    @Test
    void shouldLimitManifestsTagsAndRepositories() {
        try (Registry registry = registry(
                QuotaRule.namespace("team/**", QuotaLimits.NONE.withManifests(2).withTags(2).withRepositories(1)))) {
            Digest config = push(registry, APP, "{}".getBytes(StandardCharsets.UTF_8));
            registry.pushManifest(ME, APP, Tag.of("v1"), MediaTypes.OCI_MANIFEST, imageManifest(config, 2, "1"),
                    List.of(Tag.of("latest")));
            assertThatThrownBy(() -> registry.pushManifest(ME, APP, Tag.of("v2"), MediaTypes.OCI_MANIFEST,
                    imageManifest(config, 2, "2"), List.of()))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.detail().orElseThrow()).isInstanceOfSatisfying(Map.class,
                                    d -> assertThat(d.get("kind")).isEqualTo("tags")));
            Digest second = DigestAlgorithm.SHA256.digest(imageManifest(config, 2, "2"));
            registry.pushManifest(ME, APP, second, MediaTypes.OCI_MANIFEST, imageManifest(config, 2, "2"), List.of());
            assertThatThrownBy(() -> registry.pushManifest(ME, APP, DigestAlgorithm.SHA256.digest(
                    imageManifest(config, 2, "3")), MediaTypes.OCI_MANIFEST, imageManifest(config, 2, "3"), List.of()))
                    .isInstanceOf(RegistryException.class).hasMessage(
                            "quota exceeded: team/** may hold 2 manifests; 2 are held and this push adds 1");
            assertThatThrownBy(() -> push(registry, LIB, bytes(10, 'r')))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("may hold 1 repositories");
            registry.deleteManifest(ME, APP, Tag.of("latest"));
            registry.pushManifest(ME, APP, Tag.of("v2"), MediaTypes.OCI_MANIFEST, imageManifest(config, 2, "2"),
                    List.of());
            assertThat(usage(registry, "team/**")).extracting(Usage::manifests, Usage::tags, Usage::repositories)
                    .containsExactly(2L, 2L, 1L);
            assertThat(registry.verifyUsage(false)).isEmpty();
        }
    }

    @Test
    void shouldStayExactWhenRepositoriesAreEmptiedAndCollected() {
        try (Registry registry = Registry.builder()
                .garbageCollection(GcSettings.defaults().withBlobGracePeriod(Duration.ZERO))
                .quota(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(10_000))).build()) {
            Digest config = push(registry, APP, "{}".getBytes(StandardCharsets.UTF_8));
            Digest layer = push(registry, APP, bytes(4000, 'l'));
            push(registry, LIB, bytes(4000, 'l'));
            registry.pushManifest(ME, APP, Tag.of("v1"), MediaTypes.OCI_MANIFEST, imageManifest(config, 2, "x"),
                    List.of());
            registry.deleteBlob(ME, LIB, layer);
            registry.deleteManifest(ME, APP, DigestAlgorithm.SHA256.digest(imageManifest(config, 2, "x")));
            registry.collectGarbage();
            assertThat(registry.verifyUsage(false)).isEmpty();
            registry.deleteBlob(ME, APP, layer);
            registry.deleteBlob(ME, APP, config);
            assertThat(registry.usage(ME, "team/**").map(QuotaStatus::used)).contains(Usage.ZERO);
        }
    }

    @Test
    void shouldNeverExceedTheLimitWhenPushersRaceForTheLastBytes() throws Exception {
        try (Registry registry = registry(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(10_000)))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            AtomicInteger winners = new AtomicInteger();
            try {
                List<Future<?>> all = new java.util.ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    int n = i;
                    all.add(pool.submit(() -> {
                        try {
                            push(registry, RepositoryName.of("team/r" + (n % 5)), bytes(1000, (char) ('A' + n)));
                            winners.incrementAndGet();
                        } catch (RegistryException e) {
                            assertThat(e.getMessage()).startsWith("quota exceeded: team/**");
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(winners.get()).isEqualTo(10);
            assertThat(usage(registry, "team/**").bytes()).isEqualTo(10_000);
            assertThat(registry.verifyUsage(false)).isEmpty();
        }
    }

    @Test
    void shouldShowUsageOnlyToCallersWhoMayReadTheScope() {
        Caller reader = Caller.of(() -> "reader");
        try (Registry registry = Registry.builder()
                .authorizer((caller, action, repo) -> caller.isAnonymous() || action == Action.PULL
                        && repo.equals(APP))
                .quota(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(1000)))
                .quota(QuotaRule.eachRepository("team/**", QuotaLimits.NONE.withTags(5))).build()) {
            push(registry, APP, bytes(10, 'a'));
            push(registry, LIB, bytes(20, 'b'));
            assertThat(registry.usage(reader, "team/app")).map(QuotaStatus::limits)
                    .contains(QuotaLimits.NONE.withTags(5));
            assertThat(registry.usage(reader, "team/lib")).isEmpty(); // cannot pull it
            assertThat(registry.usage(reader, "team/**")).isEmpty(); // holds a repository it cannot pull
            assertThat(registry.usage(ME, "team/**")).map(QuotaStatus::used).contains(new Usage(30, 0, 0, 2));
            assertThat(registry.usage(ME, "nothing/**")).isEmpty();
            assertThat(registry.usageOf(reader, APP)).extracting(QuotaStatus::scope).containsExactly("team/app");
            assertThat(registry.usageOf(ME, APP)).extracting(QuotaStatus::scope)
                    .containsExactlyInAnyOrder("team/**", "team/app");
        }
    }

    @Test
    void shouldRecountWhenTheRulesChangeAndRepairWhatVerifyFinds() {
        MetadataStore kept = new InMemoryMetadataStore();
        MetadataStore shared = new ForwardingMetadataStore(kept) {
            @Override
            public void close() {
                // the next registry reuses it
            }
        };
        dev.wharf.spi.BlobStore blobs = new dev.wharf.spi.ForwardingBlobStore(
                new dev.wharf.core.storage.InMemoryBlobStore()) {
            @Override
            public void close() {
                // the next registry reuses it
            }
        };
        try (Registry first = Registry.builder().metadataStore(shared).blobStore(blobs).build()) {
            push(first, APP, bytes(100, 'a'));
            push(first, LIB, bytes(50, 'b'));
        }
        try (Registry second = Registry.builder().metadataStore(shared).blobStore(blobs)
                .quota(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(1000))).build()) {
            assertThat(usage(second, "team/**")).isEqualTo(new Usage(150, 0, 0, 2));
            kept.usageLedger().orElseThrow().replace(kept.usageLedger().orElseThrow().countingKey(),
                    Map.of("team/**", new Usage(1, 0, 0, 0)), Map.of());
            assertThat(second.verifyUsage(false)).singleElement().satisfies(d -> {
                assertThat(d.scope()).isEqualTo("team/**");
                assertThat(d.stored()).isEqualTo(new Usage(1, 0, 0, 0));
                assertThat(d.recomputed()).isEqualTo(new Usage(150, 0, 0, 2));
            });
            assertThat(second.verifyUsage(true)).hasSize(1);
            assertThat(second.verifyUsage(false)).isEmpty();
        }
        try (Registry third = Registry.builder().metadataStore(shared).blobStore(blobs).build()) {
            assertThat(kept.usageLedger().orElseThrow().usages()).isEmpty(); // no quotas: nothing counted
        }
    }

    @Test
    void shouldReportEachRefusalAsAnEventThatChangesNothing() {
        List<dev.wharf.api.RegistryEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Registry registry = Registry.builder().listener(heard::add)
                .quota(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(100)))
                .contentRule(dev.wharf.api.ContentRule.deny("**", dev.wharf.api.ContentRule.Field.ARTIFACT_TYPE,
                        "application/vnd.example.*")).build()) {
            assertThatThrownBy(() -> push(registry, APP, bytes(101, 'q'))).isInstanceOf(RegistryException.class);
            Digest config = push(registry, ELSEWHERE, "{}".getBytes(StandardCharsets.UTF_8));
            byte[] artifact = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                    + "\",\"artifactType\":\"application/vnd.example.sbom\",\"config\":{\"mediaType\":\""
                    + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + config + "\",\"size\":2},\"layers\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> registry.pushManifest(ME, ELSEWHERE, Tag.of("sbom"), MediaTypes.OCI_MANIFEST,
                    artifact, List.of())).isInstanceOf(RegistryException.class);

            List<dev.wharf.api.RegistryEvent> logged = registry.events(ME, 0, 100).events();
            assertThat(logged).isEqualTo(heard);
            dev.wharf.api.RegistryEvent quota = logged.get(0);
            assertThat(quota.type()).isEqualTo(dev.wharf.api.RegistryEvent.Type.QUOTA_REFUSED);
            assertThat(quota.repository()).contains(APP);
            assertThat(quota.size()).hasValue(101);
            dev.wharf.api.RegistryEvent content = logged.get(logged.size() - 1);
            assertThat(content.type()).isEqualTo(dev.wharf.api.RegistryEvent.Type.CONTENT_REFUSED);
            assertThat(content.artifactType()).contains("application/vnd.example.sbom");
            assertThat(content.digest()).contains(DigestAlgorithm.SHA256.digest(artifact));
            assertThat(content.type().cloudEventType()).isEqualTo("dev.wharf.content.refused");
            assertThat(registry.tags(ME, ELSEWHERE, Optional.empty(), 10).items()).isEmpty();
        }
    }

    @Test
    void shouldStayExactUnderConcurrentPushesDeletesAndGarbageCollection() throws Exception {
        try (Registry registry = Registry.builder()
                .garbageCollection(GcSettings.defaults().withBlobGracePeriod(Duration.ZERO)
                        .withUntaggedManifestRetention(Duration.ZERO))
                .quota(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(40_000).withTags(30)))
                .quota(QuotaRule.eachRepository("team/*", QuotaLimits.NONE.withManifests(20))).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> workers = new java.util.ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    int worker = w;
                    workers.add(pool.submit(() -> {
                        java.util.SplittableRandom random = new java.util.SplittableRandom(worker);
                        for (int i = 0; i < 150; i++) {
                            RepositoryName repo = RepositoryName.of("team/r" + random.nextInt(3));
                            // Shared content: the same few blobs land in several repositories.
                            byte[] layer = bytes(500 + 100 * random.nextInt(8), (char) ('a' + random.nextInt(8)));
                            try {
                                Digest d = push(registry, repo, layer);
                                Digest config = push(registry, repo, ("{\"w\":" + worker + "}")
                                        .getBytes(StandardCharsets.UTF_8));
                                byte[] manifest = imageManifest(config, ("{\"w\":" + worker + "}").length(),
                                        worker + "-" + i);
                                registry.pushManifest(ME, repo, Tag.of("t" + random.nextInt(10)),
                                        MediaTypes.OCI_MANIFEST, manifest, List.of());
                                if (random.nextInt(3) == 0) {
                                    registry.deleteBlob(ME, repo, d);
                                }
                                if (random.nextInt(4) == 0) {
                                    registry.deleteManifest(ME, repo, Tag.of("t" + random.nextInt(10)));
                                }
                            } catch (RegistryException e) {
                                // over a quota, or deleting what another worker deleted first
                                assertThat(e.code()).isIn(ErrorCode.DENIED, ErrorCode.BLOB_UNKNOWN,
                                        ErrorCode.MANIFEST_UNKNOWN);
                            }
                        }
                    }));
                }
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        registry.collectGarbage();
                    }
                }));
                for (Future<?> f : workers) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(registry.verifyUsage(false)).isEmpty();
            assertThat(usage(registry, "team/**").bytes()).isLessThanOrEqualTo(40_000);
            assertThat(usage(registry, "team/**").tags()).isLessThanOrEqualTo(30);
        }
    }

    @Test
    void shouldNotTellWhetherAHiddenRepositoryHoldsADigest() {
        Caller mallory = Caller.of(() -> "mallory");
        RepositoryName secret = RepositoryName.of("team/secret");
        RepositoryName own = RepositoryName.of("team/mallory");
        try (Registry registry = Registry.builder()
                .authorizer((caller, action, repo) -> caller.isAnonymous() || repo.equals(own))
                .quota(QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(1000))).build()) {
            Digest held = push(registry, secret, bytes(10, 's'));
            Digest unknown = DigestAlgorithm.SHA256.digest(bytes(10, 'u'));
            for (Digest digest : List.of(held, unknown)) {
                // A declared length past the limit: refused alike, whether or not team/secret holds the digest.
                assertThatThrownBy(() -> registry.pushBlob(mallory, own, digest, new UploadChunk(
                        new ByteArrayInputStream(new byte[0]), OptionalLong.of(5000), Optional.empty())))
                        .isInstanceOf(RegistryException.class).hasMessageStartingWith("quota exceeded: team/**");
            }
            // A caller who may read the holder is not charged for what the namespace holds already.
            assertThatThrownBy(() -> registry.pushBlob(ME, APP, held, new UploadChunk(
                    new ByteArrayInputStream(bytes(10, 's')), OptionalLong.of(5000), Optional.empty())))
                    .isInstanceOf(RegistryException.class).hasMessageNotContaining("quota exceeded");
        }
    }

    @Test
    void shouldRefuseToStartAnUploadIntoANewRepositoryPastTheRepositoriesLimit() {
        try (Registry registry = registry(QuotaRule.namespace("team/**", QuotaLimits.NONE.withRepositories(1)))) {
            push(registry, APP, bytes(10, 'a'));
            assertThatThrownBy(() -> registry.startUpload(ME, LIB, Optional.empty()))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("may hold 1 repositories");
            UploadStatus session = registry.startUpload(ME, APP, Optional.empty()).session().orElseThrow();
            assertThat(session.repository()).isEqualTo(APP);
        }
    }

    /** A body that records whether anything read it. */
    private static final class ThrowingStream extends java.io.InputStream {
        boolean touched;

        @Override
        public int read() {
            touched = true;
            return -1;
        }
    }
}
