package dev.wharf.testing.mirror;

import dev.wharf.api.Upstream;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.mirror.MirrorFixtures.Image;
import dev.wharf.testing.mirror.MirrorFixtures.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Wharf mirror in front of Wharf upstreams over real HTTP, the upstream requiring the token flow: misses,
 * hits, {@code ns} routing, concurrent misses, tags moving upstream, the upstream failing, corrupt bytes, an
 * index pulled through, and the mirror's read-only repositories.
 */
class PullThroughMirrorTest {
    private static final String HOST = "a.example";
    private static final String USER = "mirror";
    private static final String PASSWORD = "mirror-secret";

    private final MovableClock clock = new MovableClock();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TestRegistry upstream;
    private UpstreamProxy proxy;
    private TestRegistry lastMirror;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = TestRegistry.builder().tokenAuth(USER, PASSWORD).start();
        closing.add(upstream);
        proxy = new UpstreamProxy(upstream.baseUri());
        closing.add(proxy);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private Upstream upstreamA() {
        return Upstream.of(HOST, proxy.uri()).withBasicAuth(USER, PASSWORD)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private RegistryHttp mirror(UnaryOperator<Upstream> configure) {
        TestRegistry mirror = TestRegistry.builder()
                .engine(engine -> engine.clock(clock).upstream(configure.apply(upstreamA()))).start();
        closing.add(mirror);
        lastMirror = mirror;
        return new RegistryHttp(mirror.baseUri());
    }

    private static String manifestPath(Image image, String reference) {
        return "/v2/" + image.repo() + "/manifests/" + reference + "?ns=" + HOST;
    }

    private static String blobPath(String repo, String digest) {
        return "/v2/" + repo + "/blobs/" + digest + "?ns=" + HOST;
    }

    private static final String ACCEPT = "application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.oci.image.index.v1+json";

    @Test
    void shouldFetchOnAMissAndServeTheSameBytesFromHereAfterwards() {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 2048, 200_000);
        RegistryHttp http = mirror(u -> u);

        Response manifest = http.get(manifestPath(image, "v1"), "Accept", ACCEPT);
        assertThat(manifest.status()).as(manifest::describe).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image.manifest());
        assertThat(manifest.header("Docker-Content-Digest")).hasValue(image.digest());
        assertThat(manifest.header("Content-Type")).hasValue(image.mediaType());
        assertThat(manifest.header("OCI-Namespace")).hasValue(HOST);
        for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
            Response r = http.get(blobPath(image.repo(), blob.getKey()));
            assertThat(r.status()).as(r::describe).isEqualTo(200);
            assertThat(r.body()).isEqualTo(blob.getValue());
            assertThat(r.header("OCI-Namespace")).hasValue(HOST);
        }
        int manifestFetches = proxy.servedMatching("/manifests/");
        int blobFetches = proxy.servedMatching("/blobs/");
        assertThat(manifestFetches).isEqualTo(1);
        assertThat(blobFetches).isEqualTo(image.blobs().size());

        // Hits: the same bytes, by tag (still fresh), by digest, and under the path form of the name.
        assertThat(http.get(manifestPath(image, "v1"), "Accept", ACCEPT).body()).isEqualTo(image.manifest());
        assertThat(http.get(manifestPath(image, image.digest()), "Accept", ACCEPT).body()).isEqualTo(image.manifest());
        Response pathForm = http.get("/v2/" + HOST + "/lib/app/manifests/v1", "Accept", ACCEPT);
        assertThat(pathForm.body()).isEqualTo(image.manifest());
        assertThat(pathForm.header("OCI-Namespace")).as("no ns, no OCI-Namespace").isEmpty();
        for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
            assertThat(http.get(blobPath(image.repo(), blob.getKey())).body()).isEqualTo(blob.getValue());
            assertThat(http.head(blobPath(image.repo(), blob.getKey())).header("Content-Length"))
                    .hasValue(String.valueOf(blob.getValue().length));
        }
        assertThat(proxy.servedMatching("/manifests/")).as("no upstream request for hits").isEqualTo(manifestFetches);
        assertThat(proxy.servedMatching("/blobs/")).isEqualTo(blobFetches);
        // What was pulled is a repository here like any other: in the catalog, with its tag.
        assertThat(http.get("/v2/" + HOST + "/lib/app/tags/list").json().path("tags").toString()).isEqualTo("[\"v1\"]");
    }

    @Test
    void shouldAnswerHeadsAndRangesOfContentNotYetHere() {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 100_000);
        RegistryHttp http = mirror(u -> u);
        String layer = image.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
        byte[] bytes = image.blobs().get(layer);

        Response head = http.head(blobPath(image.repo(), layer));
        assertThat(head.status()).as(head::describe).isEqualTo(200);
        assertThat(head.header("Content-Length")).hasValue(String.valueOf(bytes.length));
        assertThat(head.header("Docker-Content-Digest")).hasValue(layer);

        Response range = http.get(blobPath(image.repo(), layer), "Range", "bytes=1000-1999");
        assertThat(range.status()).as(range::describe).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1000, 2000));
        assertThat(http.get(blobPath(image.repo(), layer)).body()).isEqualTo(bytes);
        assertThat(proxy.served("GET", "/v2/lib/app/blobs/" + layer)).as("the range fetched it whole, once")
                .isEqualTo(1);

        Response manifestHead = http.head(manifestPath(image, "v1"), "Accept", ACCEPT);
        assertThat(manifestHead.status()).isEqualTo(200);
        assertThat(manifestHead.header("Docker-Content-Digest")).hasValue(image.digest());

        Response unknown = http.get(blobPath(image.repo(), "sha256:" + "0".repeat(64)));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("errors").path(0).path("code").asText()).isEqualTo("BLOB_UNKNOWN");
        Response unknownTag = http.get(manifestPath(image, "nope"), "Accept", ACCEPT);
        assertThat(unknownTag.status()).isEqualTo(404);
        assertThat(unknownTag.json().path("errors").path(0).path("code").asText()).isEqualTo("MANIFEST_UNKNOWN");
    }

    @Test
    void shouldRouteByNsBetweenTwoUpstreams() {
        Image fromA = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        try (TestRegistry other = TestRegistry.builder().tokenAuth("b-user", "b-pass").start()) {
            Image fromB = MirrorFixtures.pushImage(other.registry(), "lib/app", "v1", 1000);
            TestRegistry mirror = TestRegistry.builder().engine(engine -> engine.upstream(upstreamA())
                    .upstream(Upstream.of("b.example", other.baseUri()).withBasicAuth("b-user", "b-pass"))).start();
            closing.add(mirror);
            RegistryHttp http = new RegistryHttp(mirror.baseUri());

            Response a = http.get("/v2/lib/app/manifests/v1?ns=a.example", "Accept", ACCEPT);
            Response b = http.get("/v2/lib/app/manifests/v1?ns=b.example", "Accept", ACCEPT);
            assertThat(a.body()).isEqualTo(fromA.manifest());
            assertThat(b.body()).isEqualTo(fromB.manifest());
            assertThat(a.header("OCI-Namespace")).hasValue("a.example");
            assertThat(b.header("OCI-Namespace")).hasValue("b.example");
            assertThat(fromA.digest()).isNotEqualTo(fromB.digest());

            // A namespace this registry does not mirror is ignored: the local repository, which does not exist.
            Response unknownNs = http.get("/v2/lib/app/manifests/v1?ns=c.example", "Accept", ACCEPT);
            assertThat(unknownNs.status()).isEqualTo(404);
            assertThat(unknownNs.header("OCI-Namespace")).isEmpty();
            assertThat(http.get("/v2/lib/app/manifests/v1", "Accept", ACCEPT).status())
                    .as("without ns and without a default upstream, names are local").isEqualTo(404);
        }
    }

    @Test
    void shouldSendPullsWithoutNsToTheDefaultUpstreamUnlessTheRepositoryIsLocal() {
        Image remote = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        TestRegistry mirror = TestRegistry.builder()
                .engine(engine -> engine.upstream(upstreamA()).defaultUpstream(HOST)).start();
        closing.add(mirror);
        RegistryHttp http = new RegistryHttp(mirror.baseUri());
        Image local = MirrorFixtures.pushImage(mirror.registry(), "team/app", "v1", 1000);

        assertThat(http.get("/v2/lib/app/manifests/v1", "Accept", ACCEPT).body()).isEqualTo(remote.manifest());
        assertThat(http.get("/v2/team/app/manifests/v1", "Accept", ACCEPT).body()).isEqualTo(local.manifest());
        assertThat(http.put("/v2/team/app/manifests/v2", local.manifest(), "Content-Type", local.mediaType()).status())
                .as("local repositories stay writable").isEqualTo(201);
        // A new repository is pushed here over HTTP, not taken for the default upstream's.
        dev.wharf.servlet.suite.PushedImage pushed = http.pushImage("team/new", "v1");
        assertThat(http.get("/v2/team/new/manifests/v1", "Accept", ACCEPT).body()).isEqualTo(pushed.manifest());
        assertThat(proxy.servedMatching("/team/new/")).isZero();
    }

    @Test
    void shouldMakeOneUpstreamRequestForConcurrentMisses() throws Exception {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 2_000_000);
        RegistryHttp http = mirror(u -> u);
        String layer = image.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
        int pulls = 8;
        ExecutorService pool = Executors.newFixedThreadPool(pulls);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> blobs = new ArrayList<>();
            List<Future<Response>> manifests = new ArrayList<>();
            for (int i = 0; i < pulls; i++) {
                blobs.add(pool.submit(awaiting(start, () -> http.get(blobPath(image.repo(), layer)))));
                manifests.add(pool.submit(awaiting(start, () -> http.get(manifestPath(image, image.digest()),
                        "Accept", ACCEPT))));
            }
            start.countDown();
            for (Future<Response> f : blobs) {
                Response r = f.get();
                assertThat(r.status()).as(r::describe).isEqualTo(200);
                assertThat(r.body()).isEqualTo(image.blobs().get(layer));
            }
            for (Future<Response> f : manifests) {
                assertThat(f.get().body()).isEqualTo(image.manifest());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(proxy.served("GET", "/v2/lib/app/blobs/" + layer)).isEqualTo(1);
        assertThat(proxy.served("GET", "/v2/lib/app/manifests/" + image.digest())).isEqualTo(1);
    }

    private static <T> Callable<T> awaiting(CountDownLatch start, Callable<T> call) {
        return () -> {
            start.await();
            return call.call();
        };
    }

    @Test
    void shouldFollowATagThatMovesUpstreamOnceTheRecheckTimeHasPassed() {
        Image first = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "latest", 1000);
        RegistryHttp http = mirror(u -> u.withTagRecheck(Duration.ofMinutes(5)));
        assertThat(http.get(manifestPath(first, "latest"), "Accept", ACCEPT).body()).isEqualTo(first.manifest());

        Image second = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "latest", 1000);
        clock.advance(Duration.ofMinutes(4));
        assertThat(http.get(manifestPath(first, "latest"), "Accept", ACCEPT).header("Docker-Content-Digest"))
                .as("within the re-check time the mirror answers alone").hasValue(first.digest());
        assertThat(proxy.served("HEAD", "/v2/lib/app/manifests/latest")).isZero();

        clock.advance(Duration.ofMinutes(2));
        Response moved = http.get(manifestPath(first, "latest"), "Accept", ACCEPT);
        assertThat(moved.header("Docker-Content-Digest")).hasValue(second.digest());
        assertThat(moved.body()).isEqualTo(second.manifest());
        assertThat(proxy.served("HEAD", "/v2/lib/app/manifests/latest")).isEqualTo(1);

        // Unmoved after the next re-check: a HEAD confirms it, no new GET.
        int gets = proxy.served("GET", "/v2/lib/app/manifests/latest");
        clock.advance(Duration.ofMinutes(6));
        assertThat(http.get(manifestPath(first, "latest"), "Accept", ACCEPT).body()).isEqualTo(second.manifest());
        assertThat(proxy.served("HEAD", "/v2/lib/app/manifests/latest")).isEqualTo(2);
        assertThat(proxy.served("GET", "/v2/lib/app/manifests/latest")).isEqualTo(gets);
        // The old manifest stays reachable by digest, without asking the upstream.
        assertThat(http.get(manifestPath(first, first.digest()), "Accept", ACCEPT).body()).isEqualTo(first.manifest());
    }

    @Test
    void shouldServeWhatItHasWhenTheUpstreamIsDownAndSayWhyForTheRest() throws IOException {
        Image cached = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        Image never = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v2", 1000);
        RegistryHttp http = mirror(u -> u);
        assertThat(http.get(manifestPath(cached, "v1"), "Accept", ACCEPT).status()).isEqualTo(200);
        String layer = cached.blobs().keySet().iterator().next();
        assertThat(http.get(blobPath(cached.repo(), layer)).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(1)); // the tag is due for a re-check

        proxy.down();
        Response stale = http.get(manifestPath(cached, "v1"), "Accept", ACCEPT);
        assertThat(stale.status()).as(stale::describe).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(cached.manifest());
        assertThat(stale.header("Warning")).hasValueSatisfying(w -> assertThat(w).startsWith("299 - \"")
                .contains(HOST));
        assertThat(http.get(blobPath(cached.repo(), layer)).body()).isEqualTo(cached.blobs().get(layer));
        assertThat(http.get(manifestPath(cached, cached.digest()), "Accept", ACCEPT).status()).isEqualTo(200);

        Response missing = http.get(manifestPath(never, "v2"), "Accept", ACCEPT);
        assertUpstreamError(missing, 502, "UPSTREAM_UNAVAILABLE");
        assertUpstreamError(http.get(blobPath(never.repo(), never.blobs().keySet().iterator().next())), 502,
                "UPSTREAM_UNAVAILABLE");

        proxy.mode(UpstreamProxy.Mode.RATE_LIMIT);
        proxy.up();
        Response limited = http.get(manifestPath(never, "v2"), "Accept", ACCEPT);
        assertUpstreamError(limited, 429, "TOOMANYREQUESTS");
        assertThat(limited.header("Retry-After")).as("the upstream's").hasValue("30");
        assertThat(http.get(manifestPath(cached, "v1"), "Accept", ACCEPT).header("Warning")).isPresent();

        proxy.mode(UpstreamProxy.Mode.HANG);
        long started = System.nanoTime();
        assertUpstreamError(http.get(manifestPath(never, "v2"), "Accept", ACCEPT), 502, "UPSTREAM_UNAVAILABLE");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the upstream's read timeout")
                .isLessThan(Duration.ofSeconds(20));

        proxy.mode(UpstreamProxy.Mode.RELAY);
        Response back = http.get(manifestPath(never, "v2"), "Accept", ACCEPT);
        assertThat(back.body()).isEqualTo(never.manifest());
        Response fresh = http.get(manifestPath(cached, "v1"), "Accept", ACCEPT);
        assertThat(fresh.header("Warning")).as("confirmed again, nothing to warn about").isEmpty();
    }

    private static void assertUpstreamError(Response r, int status, String code) {
        assertThat(r.status()).as(r::describe).isEqualTo(status);
        assertThat(r.json().path("errors").path(0).path("code").asText()).isEqualTo(code);
        assertThat(r.json().path("errors").path(0).path("message").asText()).contains(HOST);
    }

    @Test
    void shouldRefuseCorruptBytesFromTheUpstreamAndStoreNothing() throws Exception {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 300_000, 1000);
        RegistryHttp http = mirror(u -> u);
        List<String> layers = new ArrayList<>(image.blobs().keySet());

        proxy.mode(UpstreamProxy.Mode.CORRUPT_BLOBS);
        for (String layer : layers) {
            byte[] received = receivedBody(http.resolve(blobPath(image.repo(), layer)));
            assertThat(received).as("never the whole blob").isNotEqualTo(image.blobs().get(layer));
            assertThat(received.length).isLessThan(image.blobs().get(layer).length);
        }
        proxy.mode(UpstreamProxy.Mode.CORRUPT_MANIFESTS);
        assertUpstreamError(http.get(manifestPath(image, "v1"), "Accept", ACCEPT), 502, "UPSTREAM_UNAVAILABLE");
        assertUpstreamError(http.get(manifestPath(image, image.digest()), "Accept", ACCEPT), 502,
                "UPSTREAM_UNAVAILABLE");

        // Nothing was kept: with the upstream gone, none of it can be served.
        proxy.down();
        for (String layer : layers) {
            assertThat(http.get(blobPath(image.repo(), layer)).status()).isEqualTo(502);
        }
        assertThat(http.get(manifestPath(image, image.digest()), "Accept", ACCEPT).status()).isEqualTo(502);

        proxy.mode(UpstreamProxy.Mode.RELAY);
        proxy.up();
        assertThat(http.get(manifestPath(image, "v1"), "Accept", ACCEPT).body()).isEqualTo(image.manifest());
        for (String layer : layers) {
            assertThat(http.get(blobPath(image.repo(), layer)).body()).isEqualTo(image.blobs().get(layer));
        }
    }

    /** The bytes a GET delivered before the server ended or cut the response. */
    private static byte[] receivedBody(URI uri) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        try {
            HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    got.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // cut off: what arrived is what counts
        }
        return got.toByteArray();
    }

    @Test
    void shouldPullAMultiArchIndexThrough() {
        Image index = MirrorFixtures.pushIndex(upstream.registry(), "lib/multi", "v1");
        RegistryHttp http = mirror(u -> u);

        Response top = http.get(manifestPath(index, "v1"), "Accept", ACCEPT);
        assertThat(top.body()).isEqualTo(index.manifest());
        assertThat(top.header("Content-Type")).hasValue("application/vnd.oci.image.index.v1+json");
        for (Image child : index.children()) {
            Response r = http.get(manifestPath(index, child.digest()), "Accept", ACCEPT);
            assertThat(r.status()).as(r::describe).isEqualTo(200);
            assertThat(r.body()).isEqualTo(child.manifest());
            for (Map.Entry<String, byte[]> blob : child.blobs().entrySet()) {
                assertThat(http.get(blobPath(index.repo(), blob.getKey())).body()).isEqualTo(blob.getValue());
            }
        }
    }

    @Test
    void shouldListTheUpstreamsReferrersAndFetchThemByDigest() throws IOException {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        Image sbom = MirrorFixtures.pushReferrer(upstream.registry(), image, "application/vnd.example.sbom");
        Image sig = MirrorFixtures.pushReferrer(upstream.registry(), image, "application/vnd.example.signature");
        RegistryHttp http = mirror(u -> u);
        String referrers = "/v2/lib/app/referrers/" + image.digest() + "?ns=" + HOST;

        Response all = http.get(referrers);
        assertThat(all.status()).as(all::describe).isEqualTo(200);
        assertThat(all.json().path("manifests").findValuesAsText("digest"))
                .containsExactlyInAnyOrder(sbom.digest(), sig.digest());
        Response filtered = http.get(referrers + "&artifactType=application/vnd.example.sbom");
        assertThat(filtered.json().path("manifests").findValuesAsText("digest")).containsExactly(sbom.digest());
        assertThat(filtered.header("OCI-Filters-Applied")).hasValue("artifactType");

        Response fetched = http.get(manifestPath(image, sbom.digest()), "Accept", ACCEPT);
        assertThat(fetched.body()).isEqualTo(sbom.manifest());
        // With the upstream gone, the referrers pulled through are still listed.
        proxy.down();
        assertThat(http.get(referrers).json().path("manifests").findValuesAsText("digest"))
                .containsExactly(sbom.digest());
    }

    @Test
    void shouldEvictWhatWasNotPulledWithinTheRetentionAndFetchItAgainWhenAskedFor() throws IOException {
        Image old = MirrorFixtures.pushImage(upstream.registry(), "lib/old", "v1", 5000);
        Image used = MirrorFixtures.pushImage(upstream.registry(), "lib/used", "v1", 5000);
        RegistryHttp http = mirror(u -> u.withRetention(Duration.ofDays(7)).withTagRecheck(Duration.ofDays(30)));
        for (Image image : List.of(old, used)) {
            assertThat(http.get(manifestPath(image, "v1"), "Accept", ACCEPT).status()).isEqualTo(200);
            for (String blob : image.blobs().keySet()) {
                assertThat(http.get(blobPath(image.repo(), blob)).status()).isEqualTo(200);
            }
        }
        clock.advance(Duration.ofDays(5));
        assertThat(http.get(manifestPath(used, "v1"), "Accept", ACCEPT).status()).isEqualTo(200);
        clock.advance(Duration.ofDays(3));
        assertThat(lastMirror.registry().collectGarbage().manifestsDeleted()).as("only the one unused for 8 days")
                .isEqualTo(1);
        clock.advance(Duration.ofHours(1)); // past the blob grace period
        assertThat(lastMirror.registry().collectGarbage().blobsDeleted()).isEqualTo(old.blobs().size());

        proxy.down();
        assertThat(http.get(manifestPath(used, "v1"), "Accept", ACCEPT).body()).isEqualTo(used.manifest());
        for (String blob : used.blobs().keySet()) {
            assertThat(http.get(blobPath(used.repo(), blob)).body()).isEqualTo(used.blobs().get(blob));
        }
        assertThat(http.get(manifestPath(old, "v1"), "Accept", ACCEPT).status()).as("evicted").isEqualTo(502);
        assertThat(http.get(blobPath(old.repo(), old.blobs().keySet().iterator().next())).status()).isEqualTo(502);

        proxy.up();
        assertThat(http.get(manifestPath(old, "v1"), "Accept", ACCEPT).body()).isEqualTo(old.manifest());
        for (String blob : old.blobs().keySet()) {
            assertThat(http.get(blobPath(old.repo(), blob)).body()).isEqualTo(old.blobs().get(blob));
        }
        assertThat(proxy.served("GET", "/v2/lib/old/manifests/v1")).as("fetched again").isEqualTo(2);
    }

    @Test
    void shouldLogInToEachUpstreamAsItAsks() {
        try (TestRegistry basic = TestRegistry.builder().basicAuth("b", "b-pass").start();
             TestRegistry anonymousTokens = TestRegistry.builder().tokenAuth("t", "t-pass").anonymousPull("lib/**")
                     .start();
             TestRegistry open = TestRegistry.start()) {
            Image viaBasic = MirrorFixtures.pushImage(basic.registry(), "lib/app", "v1", 1000);
            Image viaAnonymousToken = MirrorFixtures.pushImage(anonymousTokens.registry(),
                    dev.wharf.api.Caller.of(() -> "t"), "lib/app", "v1", 1000);
            Image viaNothing = MirrorFixtures.pushImage(open.registry(), "lib/app", "v1", 1000);
            TestRegistry mirror = TestRegistry.builder().engine(engine -> engine
                    .upstream(Upstream.of("basic.example", basic.baseUri()).withBasicAuth("b", "b-pass"))
                    .upstream(Upstream.of("tokens.example", anonymousTokens.baseUri()))
                    .upstream(Upstream.of("open.example", open.baseUri()))
                    .upstream(Upstream.of("refused.example", basic.baseUri()).withBasicAuth("b", "wrong"))).start();
            closing.add(mirror);
            RegistryHttp http = new RegistryHttp(mirror.baseUri());

            assertThat(http.get("/v2/lib/app/manifests/v1?ns=basic.example", "Accept", ACCEPT).body())
                    .isEqualTo(viaBasic.manifest());
            assertThat(http.get("/v2/lib/app/manifests/v1?ns=tokens.example", "Accept", ACCEPT).body())
                    .as("an anonymous token").isEqualTo(viaAnonymousToken.manifest());
            assertThat(http.get("/v2/lib/app/manifests/v1?ns=open.example", "Accept", ACCEPT).body())
                    .isEqualTo(viaNothing.manifest());
            Response refused = http.get("/v2/lib/app/manifests/v1?ns=refused.example", "Accept", ACCEPT);
            assertThat(refused.status()).as(refused::describe).isEqualTo(502);
            assertThat(refused.json().path("errors").path(0).path("message").asText())
                    .contains("refused.example").contains("credentials");
        }
    }

    @Test
    void shouldStoreBlobsOfUnsaidLengthAndRefuseCutOrMisdirectedOnes() throws Exception {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 300_000, 100_000, 1000);
        RegistryHttp http = mirror(u -> u);
        List<String> layers = new ArrayList<>(image.blobs().keySet());

        proxy.mode(UpstreamProxy.Mode.TRUNCATED_BLOBS);
        byte[] cut = receivedBody(http.resolve(blobPath(image.repo(), layers.get(1))));
        assertThat(cut.length).isLessThan(image.blobs().get(layers.get(1)).length);
        proxy.mode(UpstreamProxy.Mode.BAD_REDIRECT);
        assertUpstreamError(http.get(blobPath(image.repo(), layers.get(1))), 502, "UPSTREAM_UNAVAILABLE");

        proxy.mode(UpstreamProxy.Mode.CHUNKED_BLOBS);
        for (String layer : layers) {
            Response r = http.get(blobPath(image.repo(), layer));
            assertThat(r.status()).as(r::describe).isEqualTo(200);
            assertThat(r.body()).isEqualTo(image.blobs().get(layer));
        }
        proxy.down(); // all of it is here now
        for (String layer : layers) {
            assertThat(http.get(blobPath(image.repo(), layer)).body()).isEqualTo(image.blobs().get(layer));
        }
    }

    @Test
    void shouldAskTheMirrorsAuthorizerBeforeTheUpstream() {
        Image open = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        MirrorFixtures.pushImage(upstream.registry(), "secret/app", "v1", 1000);
        TestRegistry mirror = TestRegistry.builder().basicAuth("reader", "pw").anonymousPull(HOST + "/lib/**")
                .engine(engine -> engine.upstream(upstreamA())).start();
        closing.add(mirror);
        RegistryHttp http = new RegistryHttp(mirror.baseUri());

        assertThat(http.get("/v2/lib/app/manifests/v1?ns=" + HOST, "Accept", ACCEPT).body()).isEqualTo(open.manifest());
        Response refused = http.get("/v2/secret/app/manifests/v1?ns=" + HOST, "Accept", ACCEPT);
        assertThat(refused.status()).as(refused::describe).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).isPresent();
        assertThat(proxy.servedMatching("/secret/")).as("nothing asked upstream").isZero();
        assertThat(http.get("/v2/secret/app/manifests/v1?ns=" + HOST, "Accept", ACCEPT, "Authorization",
                dev.wharf.testing.Http.basic("reader", "pw")).status()).isEqualTo(200);
    }

    @Test
    void shouldKeepMirroredRepositoriesReadOnly() {
        Image image = MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        RegistryHttp http = mirror(u -> u);
        assertThat(http.get(manifestPath(image, "v1"), "Accept", ACCEPT).status()).isEqualTo(200);

        for (Response r : List.of(
                http.put("/v2/" + HOST + "/lib/app/manifests/v2", image.manifest(), "Content-Type", image.mediaType()),
                http.post("/v2/" + HOST + "/lib/app/blobs/uploads/", new byte[0]),
                http.post("/v2/" + HOST + "/lib/app/blobs/uploads/?mount=" + image.blobs().keySet().iterator().next(),
                        new byte[0]),
                http.delete("/v2/" + HOST + "/lib/app/manifests/v1"),
                http.delete("/v2/" + HOST + "/lib/app/manifests/" + image.digest()),
                http.delete("/v2/" + HOST + "/lib/app/blobs/" + image.blobs().keySet().iterator().next()))) {
            assertThat(r.status()).as(r::describe).isEqualTo(403);
            assertThat(r.json().path("errors").path(0).path("code").asText()).isEqualTo("DENIED");
            assertThat(r.json().path("errors").path(0).path("message").asText()).contains("read-only");
        }
        assertThat(http.get(manifestPath(image, "v1"), "Accept", ACCEPT).body()).isEqualTo(image.manifest());
    }

    @Test
    void shouldFetchOnlyWhatTheAllowListNames() {
        MirrorFixtures.pushImage(upstream.registry(), "lib/app", "v1", 1000);
        Image other = MirrorFixtures.pushImage(upstream.registry(), "private/app", "v1", 1000);
        RegistryHttp http = mirror(u -> u.allowing("lib/*"));
        assertThat(http.get("/v2/lib/app/manifests/v1?ns=" + HOST, "Accept", ACCEPT).status()).isEqualTo(200);
        Response refused = http.get(manifestPath(other, "v1"), "Accept", ACCEPT);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("errors").path(0).path("code").asText()).isEqualTo("DENIED");
        assertThat(proxy.servedMatching("/private/")).isZero();
    }
}
