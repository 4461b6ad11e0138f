package dev.wharf.testing.quota;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.Usage;
import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.servlet.suite.Descriptor;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.DataLayout;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestRegistryOptions;
import dev.wharf.testing.launcher.LauncherProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quota usage survives kill -9: the launcher, on one data directory with {@code --quota crash/**=SIZE}, is killed
 * with SIGKILL at a random moment while clients push images, delete manifests and blobs, and run into the quota,
 * round after round. At the end the usage the store kept equals a recount of what it holds (nothing lost, nothing
 * counted twice), and never exceeds the limit.
 * {@code -Dwharf.quotaCrashRounds=N} sets the number of rounds (12 by default).
 */
class QuotaCrashTest {
    private static final int ROUNDS = Integer.getInteger("wharf.quotaCrashRounds", 12);
    private static final long SEED = Long.getLong("wharf.crashSeed", System.nanoTime());
    private static final long LIMIT = 192 * 1024;
    private static final String SCOPE = "crash/**";
    private static final int PUSHERS = 2;

    @TempDir
    Path work;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ExecutorService pool = Executors.newFixedThreadPool(PUSHERS);
    private LauncherProcess launcher;

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (launcher != null) {
            launcher.close();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void shouldKeepUsageExactAcrossKills() throws Exception {
        Path data = work.resolve("data");
        AtomicInteger refusals = new AtomicInteger();
        AtomicInteger pushes = new AtomicInteger();
        for (int round = 1; round <= ROUNDS; round++) {
            URI base = start(data);
            AtomicBoolean killed = new AtomicBoolean();
            List<Future<?>> pushers = new ArrayList<>();
            for (int p = 0; p < PUSHERS; p++) {
                String repo = "crash/p" + p;
                long seed = random.nextLong();
                pushers.add(pool.submit(() -> churn(base, repo, seed, killed, pushes, refusals)));
            }
            Thread.sleep(300 + random.nextInt(1200));
            killed.set(true);
            launcher.process().destroyForcibly();
            launcher.process().waitFor(30, TimeUnit.SECONDS);
            for (Future<?> f : pushers) {
                f.get(60, TimeUnit.SECONDS);
            }
            launcher = null;
        }

        Map<String, Usage> stored;
        String key;
        try (RocksDbMetadataStore store = RocksDbMetadataStore.open(DataLayout.metadata(data))) {
            stored = store.usageLedger().orElseThrow().usages();
            key = store.usageLedger().orElseThrow().countingKey();
        }
        QuotaRule rule = QuotaRule.namespace(SCOPE, QuotaLimits.NONE.withBytes(LIMIT));
        assertThat(key).as("the launcher counted for the same rules").isEqualTo(
                dev.wharf.spi.QuotaPolicy.of(List.of(rule)).countingKey());
        try (TestRegistry registry = TestRegistry.start(TestRegistryOptions.defaults().withDataDirectory(data)
                .withEngine(engine -> engine.quota(rule)))) {
            assertThat(registry.registry().verifyUsage(false)).as("seed %d: stored usage equals a recount", SEED)
                    .isEmpty();
            Usage usage = stored.getOrDefault(SCOPE, Usage.ZERO);
            assertThat(usage.bytes()).as("seed %d: within the limit", SEED).isLessThanOrEqualTo(LIMIT);
            System.out.printf("QuotaCrashTest: %d rounds, seed %d, %d pushes acknowledged, %d refused by the quota,"
                    + " usage at the end %s%n", ROUNDS, SEED, pushes.get(), refusals.get(), usage);
        }
        assertThat(pushes.get()).as("the rounds must get pushes through to prove anything").isGreaterThan(ROUNDS);
    }

    private URI start(Path data) {
        launcher = LauncherProcess.start(work, List.of("-Xmx256m"), "--port", "0", "--data-dir", data.toString(),
                "--quota", SCOPE + "=" + LIMIT);
        return launcher.awaitReady(Duration.ofSeconds(60));
    }

    /**
     * Pushes images until killed; deletes every other one again (its manifest, then its blobs) so that usage goes
     * down as well as up, and counts the pushes the quota refused.
     */
    private static void churn(URI base, String repo, long seed, AtomicBoolean killed, AtomicInteger pushes,
                              AtomicInteger refusals) {
        RegistryHttp http = new RegistryHttp(base);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; !killed.get(); i++) {
            try {
                PushedImage image;
                try {
                    image = http.pushImage(repo, "t" + i);
                } catch (AssertionError e) {
                    if (killed.get()) {
                        return;
                    }
                    refusals.incrementAndGet(); // over quota: make room
                    deleteEverything(http, repo);
                    continue;
                }
                pushes.incrementAndGet();
                if (random.nextBoolean()) {
                    http.delete("/v2/" + repo + "/manifests/" + image.digest());
                    http.delete("/v2/" + repo + "/blobs/" + image.config().digest());
                    for (Descriptor layer : image.layers()) {
                        http.delete("/v2/" + repo + "/blobs/" + layer.digest());
                    }
                }
            } catch (RuntimeException e) {
                return; // the registry is gone
            }
        }
    }

    /** Deletes the repository's tagged images: each manifest, then the blobs it names. */
    private static void deleteEverything(RegistryHttp http, String repo) {
        Response tags = http.get("/v2/" + repo + "/tags/list?n=1000");
        if (tags.status() != 200) {
            return;
        }
        for (JsonNode tag : tags.json().path("tags")) {
            Response manifest = http.get("/v2/" + repo + "/manifests/" + tag.asText(), "Accept",
                    "application/vnd.oci.image.manifest.v1+json");
            if (manifest.status() != 200) {
                continue;
            }
            manifest.header("Docker-Content-Digest").ifPresent(d -> http.delete("/v2/" + repo + "/manifests/" + d));
            JsonNode json = manifest.json();
            http.delete("/v2/" + repo + "/blobs/" + json.path("config").path("digest").asText());
            for (JsonNode layer : json.path("layers")) {
                http.delete("/v2/" + repo + "/blobs/" + layer.path("digest").asText());
            }
        }
    }
}
