package dev.wharf.testing.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.servlet.suite.PushedImage;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.launcher.LauncherProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events that are never lost, proven the blunt way: the launcher, on one data directory and with a webhook to a
 * receiver in this JVM, is killed with SIGKILL at a random moment while clients push images and move tags, round
 * after round. At the end, with everything delivered:
 * <ul>
 *   <li>every acknowledged push (its manifest's 201) has its {@code MANIFEST_PUSHED} and {@code TAG_UPDATED}
 *       among the delivered events;</li>
 *   <li>every delivered event reports a change the registry holds (its manifest or blob is there): none for a
 *       change that did not commit;</li>
 *   <li>the ids delivered are exactly the ids of the event log.</li>
 * </ul>
 * {@code -Dwharf.eventCrashRounds=N} sets the number of rounds (20 by default); 200 on request:
 * {@code mvn -B -o verify -pl test-registry -am -Dtest=EventCrashTest -Dwharf.eventCrashRounds=200
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class EventCrashTest {
    private static final int ROUNDS = Integer.getInteger("wharf.eventCrashRounds", 20);
    private static final long SEED = Long.getLong("wharf.crashSeed", System.nanoTime());
    private static final int PUSHERS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ExecutorService pool = Executors.newFixedThreadPool(PUSHERS);
    private LauncherProcess launcher;
    private WebhookDeliveryTest.Receiver receiver;

    /** A push whose manifest was acknowledged. */
    private record Acknowledged(String repo, String tag, String digest) {
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (launcher != null) {
            launcher.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void shouldDeliverExactlyTheCommittedChangesAcrossKills() throws Exception {
        receiver = new WebhookDeliveryTest.Receiver(0);
        Path data = work.resolve("data");
        Files.writeString(work.resolve("secret.txt"), WebhookDeliveryTest.SECRET + "\n");
        List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            URI base = start(data);
            AtomicBoolean killed = new AtomicBoolean();
            List<Future<?>> pushers = new ArrayList<>();
            for (int p = 0; p < PUSHERS; p++) {
                String repo = "crash/p" + p;
                int r = round;
                pushers.add(pool.submit(() -> push(base, repo, r, killed, acknowledged)));
            }
            Thread.sleep(150 + random.nextInt(1000));
            killed.set(true);
            launcher.process().destroyForcibly();
            launcher.process().waitFor(30, TimeUnit.SECONDS);
            for (Future<?> f : pushers) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        URI base = start(data);
        RegistryHttp http = new RegistryHttp(base);
        Set<Long> logged = logIds(http);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!delivered().keySet().containsAll(logged)) {
            assertThat(System.nanoTime()).as("seed %d: every logged event delivered in time", SEED).isLessThan(deadline);
            Thread.sleep(100);
        }

        Map<Long, JsonNode> delivered = delivered();
        assertThat(delivered.keySet()).as("seed %d: delivered ids are the log's", SEED).isEqualTo(logged);
        assertThat(receiver.badSignatures).isEmpty();
        Set<String> reported = new HashSet<>();
        for (JsonNode event : delivered.values()) {
            reported.add(event.path("type").asText() + " " + event.path("subject").asText() + " "
                    + event.path("data").path("tag").asText() + " " + event.path("data").path("digest").asText());
            String type = event.path("type").asText();
            String repo = event.path("subject").asText();
            String digest = event.path("data").path("digest").asText();
            Response held = type.startsWith("dev.wharf.repository")
                    ? http.get("/v2/" + repo + "/tags/list") // nothing here is ever emptied: it must exist
                    : http.head("/v2/" + repo + (type.startsWith("dev.wharf.blob") ? "/blobs/" : "/manifests/")
                            + digest, "Accept", "application/vnd.oci.image.manifest.v1+json");
            assertThat(held.status()).as("seed %d: %s reports a change the registry holds", SEED, event).isEqualTo(200);
        }
        for (Acknowledged push : acknowledged) {
            assertThat(reported).as("seed %d: acknowledged %s", SEED, push)
                    .contains("dev.wharf.manifest.pushed " + push.repo() + "  " + push.digest(),
                            "dev.wharf.tag.updated " + push.repo() + " " + push.tag() + " " + push.digest());
        }
        assertThat(acknowledged).as("the rounds must get pushes through to prove anything").hasSizeGreaterThan(ROUNDS / 2);
        System.out.printf("EventCrashTest: %d rounds, seed %d, %d pushes acknowledged, %d events delivered (%d "
                + "requests)%n", ROUNDS, SEED, acknowledged.size(), delivered.size(), receiver.accepted.size());
    }

    private URI start(Path data) {
        launcher = LauncherProcess.start(work, List.of("-Xmx256m"), "--port", "0", "--data-dir", data.toString(),
                "--webhook", receiver.uri().toString(), "--webhook-secret", work.resolve("secret.txt").toString());
        return launcher.awaitReady(Duration.ofSeconds(60));
    }

    /** Pushes images and moves a tag until killed; records each push whose manifest was acknowledged. */
    private static void push(URI base, String repo, int round, AtomicBoolean killed, List<Acknowledged> acknowledged) {
        RegistryHttp http = new RegistryHttp(base);
        for (int i = 0; !killed.get(); i++) {
            String tag = (i % 2 == 0) ? "latest" : "r" + round + "-" + i;
            try {
                PushedImage image = http.pushImage(repo, tag);
                acknowledged.add(new Acknowledged(repo, tag, image.digest()));
            } catch (AssertionError | RuntimeException e) {
                return; // the registry is gone: what was not acknowledged may or may not have committed
            }
        }
    }

    private Map<Long, JsonNode> delivered() {
        Map<Long, JsonNode> out = new HashMap<>();
        for (JsonNode event : receiver.accepted) {
            out.putIfAbsent(event.path("id").asLong(), event);
        }
        return out;
    }

    private static Set<Long> logIds(RegistryHttp http) {
        Set<Long> ids = new HashSet<>();
        long after = 0;
        while (true) {
            JsonNode page = http.get("/v2/_wharf/ext/events?after=" + after + "&n=1000").json();
            page.path("events").forEach(e -> ids.add(e.path("id").asLong()));
            after = page.path("next").asLong();
            if (!page.path("hasMore").asBoolean()) {
                return ids;
            }
        }
    }
}
