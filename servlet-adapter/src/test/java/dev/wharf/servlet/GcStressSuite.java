package dev.wharf.servlet;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.GcReport;
import dev.wharf.api.GcSettings;
import dev.wharf.api.Registry;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.spi.MetadataStore;
import dev.wharf.servlet.suite.Content;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.ManifestJson;
import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online garbage collection under load: 8 pushers, 8 pullers and 2 deleters run for a bounded time while
 * GC runs every 250 ms. No push or pull of live content may fail; afterwards every tagged image pulls and
 * verifies, and storage holds exactly the blobs still referenced. Duration: {@code -Dwharf.stressSeconds}
 * (default 8; e.g. 300 for a long local run). Subclasses choose the metadata store, and may choose the blob store
 * and several nodes: registries over one shared metadata store and blob store, each with its own server and its
 * own garbage collection, each request of the workers sent to a node chosen at random.
 */
public abstract class GcStressSuite {
    private static final int REPOS = 4;

    @TempDir
    Path dir;

    /** The metadata store under test, kept in {@code directory} if it is durable; one per node. */
    protected abstract MetadataStore metadataStore(Path directory);

    /** The blob store, one per node over the same blobs; by default files in {@code directory}. */
    protected dev.wharf.spi.BlobStore blobStore(Path directory) {
        return new FileSystemBlobStore(directory);
    }

    /** How many nodes serve the registry (more than one needs stores that nodes share); 1 by default. */
    protected int nodes() {
        return 1;
    }

    /** One pushed image: its tag, manifest digest, and the blobs only it uses (deleted with it). */
    public record Image(String repo, String tag, String digest, Map<String, byte[]> blobs, List<String> ownBlobs) {
    }

    @Test
    public void shouldNeverLoseLiveContentAndLeaveExactlyTheReferencedBlobs() throws Exception {
        long seconds = Long.getLong("wharf.stressSeconds", 8);
        List<JettyRegistryServer> servers = new ArrayList<>();
        List<RegistryHttp> nodes = new ArrayList<>();
        dev.wharf.spi.BlobStore blobStore = null;
        MetadataStore metadata = null;
        Registry registry = null;
        for (int n = 0; n < nodes(); n++) {
            dev.wharf.spi.BlobStore nodeBlobs = blobStore(dir);
            MetadataStore nodeMetadata = metadataStore(dir.resolve("metadata"));
            Registry nodeRegistry = Registry.builder().blobStore(nodeBlobs).metadataStore(nodeMetadata)
                    .garbageCollection(new GcSettings(Duration.ofMillis(250), Duration.ofMillis(200), Optional.empty()))
                    .build();
            JettyRegistryServer server = JettyRegistryServer.start(nodeRegistry);
            servers.add(server);
            nodes.add(new RegistryHttp(server.baseUri()));
            if (n == 0) { // the first node's stores are the views the final checks read
                blobStore = nodeBlobs;
                metadata = nodeMetadata;
                registry = nodeRegistry;
            }
        }
        try {
            Map<String, byte[]> bases = new ConcurrentHashMap<>();
            for (int r = 0; r < REPOS; r++) {
                byte[] base = Content.randomBytes(8192);
                bases.put("stress/r" + r, base);
            }
            Map<String, Image> alive = new ConcurrentHashMap<>();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger pushed = new AtomicInteger();
            AtomicInteger pulled = new AtomicInteger();
            AtomicInteger deleted = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int id = i;
                workers.add(worker("pusher-" + i, failures, deadline, () -> {
                    Image image = push(pick(nodes), "stress/r" + (id % REPOS), "p" + id + "-" + pushed.incrementAndGet(), bases);
                    alive.put(image.repo() + ":" + image.tag(), image);
                }));
                workers.add(worker("puller-" + i, failures, deadline, () -> {
                    if (pull(pick(nodes), alive)) {
                        pulled.incrementAndGet();
                    } else {
                        Thread.sleep(5); // nothing pushed yet: spinning here would starve the pushers on 2 cores
                    }
                }));
            }
            for (int i = 0; i < 2; i++) {
                workers.add(worker("deleter-" + i, failures, deadline, () -> {
                    if (deleteOne(pick(nodes), alive)) {
                        deleted.incrementAndGet();
                    }
                    Thread.sleep(15);
                }));
            }
            workers.forEach(Thread::start);
            for (Thread t : workers) {
                t.join(Duration.ofSeconds(seconds + 60).toMillis());
                assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
            }
            assertThat(failures).as("failures during the run").isEmpty();
            assertThat(pushed.get()).isGreaterThan(20);
            assertThat(pulled.get()).isGreaterThan(20);
            assertThat(deleted.get()).isGreaterThan(5);

            for (Image image : alive.values()) {
                assertThat(pullCompletely(pick(nodes), image)).as("alive image " + image.tag() + " pulls").isEmpty();
            }
            Thread.sleep(300); // let the last unreferenced blobs pass their grace period
            GcReport last = registry.collectGarbage();
            Set<Digest> referenced = new HashSet<>();
            MetadataStore shared = metadata;
            shared.forEachLink((repo, d) -> referenced.add(d));
            shared.forEachManifest((repo, m) -> referenced.addAll(m.blobs()));
            Set<Digest> stored = new HashSet<>();
            blobStore.deletion().orElseThrow().forEach((BlobInfo b) -> stored.add(b.digest()));
            assertThat(stored).as("storage after GC (last run: %s)", last).isEqualTo(referenced);
            System.out.printf("GC stress %ds: %d images pushed, %d complete pulls, %d images deleted, %d alive;"
                    + " %d blobs stored, all referenced%n", seconds, pushed.get(), pulled.get(), deleted.get(),
                    alive.size(), stored.size());
            for (Image image : alive.values()) {
                assertThat(stored).extracting(Digest::toString).containsAll(image.blobs().keySet());
            }
        } finally {
            for (JettyRegistryServer server : servers) {
                server.close();
            }
        }
    }

    /** A node chosen at random: each operation of the workers (a whole push, pull or delete) goes to one. */
    private static RegistryHttp pick(List<RegistryHttp> nodes) {
        return nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
    }

    private static Thread worker(String name, Queue<String> failures, long deadline, Step step) {
        Thread t = new Thread(() -> {
            while (System.nanoTime() < deadline && failures.size() < 20) {
                try {
                    step.run();
                } catch (Throwable e) {
                    failures.add(name + ": " + e);
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    interface Step {
        void run() throws Exception;
    }

    private static Image push(RegistryHttp http, String repo, String tag, Map<String, byte[]> bases) {
        byte[] config = Content.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"tag\":\"" + tag + "\"}");
        byte[] layer1 = Content.randomBytes(1024 + ThreadLocalRandom.current().nextInt(4096));
        byte[] layer2 = Content.randomBytes(512);
        byte[] base = bases.get(repo);
        Descriptor c = http.pushBlob(repo, MediaTypes.OCI_CONFIG, config);
        Descriptor b = http.pushBlob(repo, MediaTypes.OCI_LAYER, base);
        Descriptor l1 = http.pushBlob(repo, MediaTypes.OCI_LAYER, layer1);
        Descriptor l2 = http.pushBlob(repo, MediaTypes.OCI_LAYER, layer2);
        byte[] manifest = ManifestJson.ociManifest().config(c).layer(b).layer(l1).layer(l2).bytes();
        String digest = http.pushManifest(repo, tag, MediaTypes.OCI_MANIFEST, manifest);
        Map<String, byte[]> blobs = Map.of(c.digest(), config, b.digest(), base, l1.digest(), layer1, l2.digest(), layer2);
        return new Image(repo, tag, digest, blobs, List.of(c.digest(), l1.digest(), l2.digest()));
    }

    /** Pulls a random live image; a miss is fine only if the image was deleted meanwhile. */
    private static boolean pull(RegistryHttp http, Map<String, Image> alive) {
        List<Image> images = new ArrayList<>(alive.values());
        if (images.isEmpty()) {
            return false;
        }
        Image image = images.get(ThreadLocalRandom.current().nextInt(images.size()));
        Optional<String> problem = pullCompletely(http, image);
        if (problem.isPresent() && alive.containsKey(image.repo() + ":" + image.tag())) {
            throw new AssertionError("live image " + image.tag() + ": " + problem.get());
        }
        return problem.isEmpty();
    }

    private static Optional<String> pullCompletely(RegistryHttp http, Image image) {
        Response m = http.get("/v2/" + image.repo() + "/manifests/" + image.tag());
        if (m.status() != 200) {
            return Optional.of("manifest " + m.status());
        }
        if (!Content.sha256(m.body()).equals(image.digest())) {
            return Optional.of("manifest digest mismatch");
        }
        for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
            Response r = http.get("/v2/" + image.repo() + "/blobs/" + blob.getKey());
            if (r.status() != 200) {
                return Optional.of("blob " + blob.getKey() + " " + r.status());
            }
            if (!Content.sha256(r.body()).equals(blob.getKey())) {
                return Optional.of("blob " + blob.getKey() + " corrupt");
            }
        }
        return Optional.empty();
    }

    /** Deletes a random image: tag, manifest, and the blobs only it used. */
    private static boolean deleteOne(RegistryHttp http, Map<String, Image> alive) {
        List<String> keys = new ArrayList<>(alive.keySet());
        if (keys.size() < 10) {
            return false;
        }
        Image image = alive.remove(keys.get(ThreadLocalRandom.current().nextInt(keys.size())));
        if (image == null) {
            return false;
        }
        expect(http.delete("/v2/" + image.repo() + "/manifests/" + image.tag()), 202);
        expect(http.delete("/v2/" + image.repo() + "/manifests/" + image.digest()), 202);
        for (String blob : image.ownBlobs()) {
            expect(http.delete("/v2/" + image.repo() + "/blobs/" + blob), 202);
        }
        return true;
    }

    private static void expect(Response r, int status) {
        if (r.status() != status) {
            throw new AssertionError(r.describe());
        }
    }
}
