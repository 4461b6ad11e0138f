package dev.wharf.testing.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wharf.api.Caller;
import dev.wharf.api.EventSinkStatus;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.Webhook;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.testing.TestRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks against a real HTTP receiver in this JVM that is down, then slow, then failing, then well: every event
 * the registry recorded arrives (deduplicated by id), in log order, each with a valid signature; and a registry
 * restarted on the same data directory resumes where its webhook stopped.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebhookDeliveryTest {
    static final String SECRET = "hook-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A receiver that records what it accepts and answers as {@link #behaviour} says. */
    static final class Receiver implements AutoCloseable {
        enum Behaviour { ACCEPT, FAIL, SLOW }

        final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
        final List<String> badSignatures = new CopyOnWriteArrayList<>();
        final List<String> contentTypes = new CopyOnWriteArrayList<>();
        final AtomicInteger requests = new AtomicInteger();
        volatile Behaviour behaviour = Behaviour.ACCEPT;
        private final int port;
        private HttpServer server;

        Receiver(int port) throws IOException {
            this.server = listen(port);
            this.port = server.getAddress().getPort();
        }

        private HttpServer listen(int onPort) throws IOException {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 16);
            s.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "hook-receiver");
                t.setDaemon(true);
                return t;
            }));
            s.createContext("/hook", this::handle);
            s.start();
            return s;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port + "/hook");
        }

        void down() {
            server.stop(0);
        }

        void up() throws IOException {
            server = listen(port);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                requests.incrementAndGet();
                byte[] body = exchange.getRequestBody().readAllBytes();
                switch (behaviour) {
                    case FAIL -> {
                        exchange.sendResponseHeaders(500, -1);
                        return;
                    }
                    case SLOW -> {
                        try {
                            Thread.sleep(3000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        exchange.sendResponseHeaders(204, -1);
                        return;
                    }
                    default -> {
                    }
                }
                String signature = exchange.getRequestHeaders().getFirst(Webhook.SIGNATURE_HEADER);
                if (!("sha256=" + hmac(body)).equals(signature)) {
                    badSignatures.add(String.valueOf(signature));
                }
                contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
                JsonNode json = JSON.readTree(body);
                if (json.isArray()) {
                    json.forEach(accepted::add);
                } else {
                    accepted.add(json);
                }
                exchange.sendResponseHeaders(204, -1);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** The accepted CloudEvents by id, the first of each (duplicates are allowed: at least once). */
    private static Map<Long, JsonNode> byId(List<JsonNode> accepted) {
        Map<Long, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode event : accepted) {
            out.putIfAbsent(Long.parseLong(event.path("id").asText()), event);
        }
        return out;
    }

    @Test
    void shouldDeliverEveryEventInOrderThroughADownSlowAndFailingReceiver() throws Exception {
        Receiver receiver = new Receiver(0);
        closing.add(receiver);
        receiver.down();
        TestRegistry registry = TestRegistry.builder().dataDirectory(dir.resolve("data")).engine(engine -> engine
                .webhook(Webhook.to(receiver.uri()).withSecret(SECRET).withTimeout(Duration.ofSeconds(1)))).start();
        closing.add(registry);
        RegistryHttp http = new RegistryHttp(registry.baseUri());

        http.pushImage("team/a", "v1");
        receiver.up();
        receiver.behaviour = Receiver.Behaviour.SLOW;
        http.pushImage("team/b", "v1");
        await("a slow answer", () -> receiver.requests.get() >= 1);
        receiver.behaviour = Receiver.Behaviour.FAIL;
        http.pushImage("team/a", "v2");
        await("a 500 seen by the sink", () -> registry.registry().eventSinks().get(0).lastError()
                .map(e -> e.contains("500")).orElse(false));
        EventSinkStatus failing = registry.registry().eventSinks().get(0);
        assertThat(failing.lastErrorAt()).isPresent();
        assertThat(failing.backlog()).isPositive();

        receiver.behaviour = Receiver.Behaviour.ACCEPT;
        long last = registry.registry().events(Caller.anonymous(), 0, 1000).next();
        await("every event", () -> byId(receiver.accepted).containsKey(last));

        List<RegistryEvent> recorded = registry.registry().events(Caller.anonymous(), 0, 1000).events();
        Map<Long, JsonNode> delivered = byId(receiver.accepted);
        assertThat(delivered.keySet()).containsExactlyElementsOf(recorded.stream().map(RegistryEvent::sequence).toList());
        assertThat(receiver.badSignatures).isEmpty();
        List<Long> order = receiver.accepted.stream().map(e -> e.path("id").asLong()).toList();
        assertThat(order).as("in log order, a repeat only of what was already sent").isSortedAccordingTo(Long::compare);
        for (RegistryEvent event : recorded) {
            JsonNode sent = delivered.get(event.sequence());
            assertThat(sent.path("specversion").asText()).isEqualTo("1.0");
            assertThat(sent.path("subject").asText()).isEqualTo(event.repository().orElseThrow().value());
            assertThat(sent.path("type").asText()).startsWith("dev.wharf.");
            assertThat(sent.path("data").path("digest").asText())
                    .isEqualTo(event.digest().map(Object::toString).orElse(""));
        }
        assertThat(delivered.values()).extracting(e -> e.path("type").asText())
                .contains("dev.wharf.repository.created", "dev.wharf.blob.uploaded", "dev.wharf.manifest.pushed",
                        "dev.wharf.tag.updated");
        await("the cursor at the end", () -> registry.registry().eventSinks().get(0).backlog() == 0);
        assertThat(registry.registry().eventSinks().get(0).lastError()).isEmpty();

        // Restarted on the same data: nothing is sent twice, and what happens next is.
        registry.close();
        int before = receiver.accepted.size();
        TestRegistry again = TestRegistry.builder().dataDirectory(dir.resolve("data")).engine(engine -> engine
                .webhook(Webhook.to(receiver.uri()).withSecret(SECRET))).start();
        closing.add(again);
        new RegistryHttp(again.baseUri()).pushImage("team/c", "v1");
        long end = again.registry().events(Caller.anonymous(), 0, 1000).next();
        await("the new events", () -> byId(receiver.accepted).containsKey(end));
        assertThat(receiver.accepted.subList(before, receiver.accepted.size()))
                .extracting(e -> e.path("subject").asText()).containsOnly("team/c");
    }

    /**
     * A webhook that has gone idle is woken by the next change rather than by its idle wait (a second): were a
     * wake-up lost, the event would wait for that timeout. Median of 20 pushes, so that a stall of this machine
     * alone does not fail it.
     */
    @Test
    void shouldWakeAnIdleWebhookForEachChange() throws Exception {
        Receiver receiver = new Receiver(0);
        closing.add(receiver);
        TestRegistry registry = TestRegistry.builder().engine(engine -> engine.webhook(Webhook.to(receiver.uri())
                .withSecret(SECRET))).start();
        closing.add(registry);
        RegistryHttp http = new RegistryHttp(registry.baseUri());
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread.sleep(30); // long enough for the sink to finish and go back to waiting
            http.pushImage("team/idle", "v" + i);
            long pushed = System.nanoTime();
            long last = registry.registry().events(Caller.anonymous(), 0, 10_000).next();
            while (!byId(receiver.accepted).containsKey(last)) {
                if (System.nanoTime() - pushed > TimeUnit.SECONDS.toNanos(30)) {
                    throw new AssertionError("event " + last + " never arrived");
                }
                Thread.sleep(2);
            }
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pushed));
        }
        List<Long> sorted = millis.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2)).as("median ms from a push's answer to its last event, of %s", millis)
                .isLessThan(150);
        assertThat(receiver.badSignatures).isEmpty();
    }

    @Test
    void shouldSendBatchesOfCloudEventsWhenAsked() throws Exception {
        Receiver receiver = new Receiver(0);
        closing.add(receiver);
        receiver.down();
        TestRegistry registry = TestRegistry.builder().engine(engine -> engine.webhook(Webhook.to(receiver.uri())
                .withSecret(SECRET).withBatches(10))).start();
        closing.add(registry);
        RegistryHttp http = new RegistryHttp(registry.baseUri());
        for (int i = 0; i < 5; i++) {
            http.pushImage("team/batch", "v" + i); // 26 events, queued while the receiver is down
        }
        receiver.up();
        long last = registry.registry().events(Caller.anonymous(), 0, 1000).next();
        await("every event", () -> byId(receiver.accepted).containsKey(last));

        assertThat(byId(receiver.accepted).keySet()).hasSize(26);
        assertThat(receiver.accepted).extracting(e -> e.path("id").asLong()).isSortedAccordingTo(Long::compare);
        assertThat(receiver.contentTypes).containsOnly("application/cloudevents-batch+json");
        assertThat(receiver.contentTypes.size()).as("batches of up to 10").isBetween(3, 10);
        assertThat(receiver.badSignatures).isEmpty();
    }

    @Test
    void shouldFilterAndSpeakDistributionsEnvelopeWhenAsked() throws Exception {
        Receiver receiver = new Receiver(0);
        closing.add(receiver);
        TestRegistry registry = TestRegistry.builder().engine(engine -> engine.webhook(Webhook.to(receiver.uri())
                .withSecret(SECRET).withFormat(Webhook.Format.DISTRIBUTION)
                .forTypes(RegistryEvent.Type.MANIFEST_PUSHED).forRepositories("team/**"))).start();
        closing.add(registry);
        RegistryHttp http = new RegistryHttp(registry.baseUri());
        http.pushImage("other/x", "v1");
        String digest = http.pushImage("team/a", "v1").digest();
        await("the push", () -> !receiver.accepted.isEmpty());
        await("the cursor at the end", () -> registry.registry().eventSinks().get(0).backlog() == 0);

        assertThat(receiver.accepted).hasSize(1);
        JsonNode event = receiver.accepted.get(0).path("events").path(0);
        assertThat(event.path("action").asText()).isEqualTo("push");
        assertThat(event.path("target").path("repository").asText()).isEqualTo("team/a");
        assertThat(event.path("target").path("digest").asText()).isEqualTo(digest);
        assertThat(event.path("target").path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(receiver.badSignatures).isEmpty();
    }
}
