package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCostMainTest {

    @Test
    void shouldAlternateTheLaunchersWhenRoundsFollow() {
        assertThat(EventCostMain.order(1)).containsExactly(EventCostMain.NONE, EventCostMain.WEBHOOK);
        assertThat(EventCostMain.order(2)).containsExactly(EventCostMain.WEBHOOK, EventCostMain.NONE);
        assertThat(EventCostMain.order(3)).isEqualTo(EventCostMain.order(1));
    }

    @Test
    void shouldRefuseWebhookFlagsAndPassTheRestOnWhenParsing() {
        assertThatThrownBy(() -> EventCostOptions.parse("--wharf-arg", "--webhook=http://x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sets the webhook");
        assertThatThrownBy(() -> EventCostOptions.parse("--seconds", "3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --seconds");
        EventCostOptions o = EventCostOptions.parse("--tags", "300", "--wharf-arg", "--fsync=false");
        assertThat(o.harness().tags()).isEqualTo(300);
        assertThat(o.harness().rounds()).isEqualTo(5);
        assertThat(o.harness().targets()).containsExactly("wharf");
        assertThat(o.harness().wharfArgs()).containsExactly("--fsync=false");
    }

    @Test
    void shouldTakeWarmUpPassesAndSayHowManyWhenParsing(@TempDir Path dir) {
        EventCostOptions steady = EventCostOptions.parse("--warmup", "10");
        assertThat(steady.harness().warmupSeconds()).isEqualTo(10);
        assertThat(String.join("\n", EventCostMain.header(steady, dir)))
                .contains("after 10 passes of the harness's warm-up pushes");
        assertThat(String.join("\n", EventCostMain.header(EventCostOptions.parse(), dir)))
                .contains("after the harness's warm-up pushes").doesNotContain("passes");
        assertThat(String.join("\n", EventCostMain.header(EventCostOptions.parse("--warmup", "0"), dir)))
                .contains("no warm-up");
    }

    @Test
    void shouldCountSignedEventsAndFailOnABadSignatureWhenReceiving() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 1; i <= 3; i++) {
                byte[] body = ("{\"specversion\":\"1.0\",\"id\":\"" + i + "\",\"type\":\"dev.wharf.tag.updated\","
                        + "\"subject\":\"bench/tags\"}").getBytes(StandardCharsets.UTF_8);
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(receiver.url()))
                        .header("X-Wharf-Signature", "sha256=" + WebhookReceiver.hmac(receiver.key, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(answer.statusCode()).isEqualTo(204);
            }
            assertThat(receiver.events()).isEqualTo(3);
            PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            receiver.awaitAll("bench/small", 0, "bench/tags", 3, log, "test");
            client.send(HttpRequest.newBuilder(URI.create(receiver.url())).header("X-Wharf-Signature", "sha256=00")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
            assertThatThrownBy(() -> receiver.awaitAll("bench/small", 0, "bench/tags", 3, log, "test"))
                    .isInstanceOf(BenchmarkFailure.class).hasMessageContaining("signature");
        }
    }

    @Test
    void shouldAttachABatchingWebhookThroughAConfigurationFile(@TempDir Path dir) throws Exception {
        assertThat(EventCostOptions.parse().batch()).isEqualTo(1);
        assertThat(EventCostOptions.parse("--batch", "50").batch()).isEqualTo(50);
        Path secret = dir.resolve("key");
        assertThat(EventCostMain.webhookFlags(1, "http://127.0.0.1:9/", secret, dir))
                .containsExactly("--webhook", "http://127.0.0.1:9/", "--webhook-secret", secret.toString());
        List<String> flags = EventCostMain.webhookFlags(50, "http://127.0.0.1:9/", secret, dir);
        assertThat(flags).hasSize(2).first().isEqualTo("--config");
        assertThat(Files.readString(Path.of(flags.get(1)))).contains("url: \"http://127.0.0.1:9/\"")
                .contains("secretFile: \"" + secret + "\"").contains("batch: 50");
    }

    @Test
    void shouldCountEveryEventOfABatchWhenReceiving() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = 1; i <= 4; i++) {
                batch.append(i > 1 ? "," : "").append("{\"specversion\":\"1.0\",\"id\":\"").append(i)
                        .append("\",\"type\":\"dev.wharf.tag.updated\",\"subject\":\"bench/tags\",")
                        .append("\"data\":{\"tag\":\"t").append(i).append("\"}}");
            }
            byte[] body = batch.append("]").toString().getBytes(StandardCharsets.UTF_8);
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(receiver.url()))
                    .header("X-Wharf-Signature", "sha256=" + WebhookReceiver.hmac(receiver.key, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(204);
            assertThat(receiver.events()).isEqualTo(4);
            receiver.awaitAll("bench/small", 0, "bench/tags", 4,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "test");
        }
    }

    @Test
    void shouldKeepTheLaunchersOnlyWhenAskedWhenParsing(@TempDir Path dir) {
        assertThat(EventCostOptions.parse().kept()).isFalse();
        assertThat(EventCostOptions.parse("--launchers", "fresh").kept()).isFalse();
        EventCostOptions kept = EventCostOptions.parse("--launchers", "kept");
        assertThat(kept.kept()).isTrue();
        assertThat(String.join("\n", EventCostMain.header(kept, dir))).contains("both launchers started once");
        assertThat(String.join("\n", EventCostMain.header(EventCostOptions.parse(), dir))).contains("started afresh");
        assertThatThrownBy(() -> EventCostOptions.parse("--launchers", "shared"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected fresh or kept");
        assertThat(EventCostOptions.USAGE).contains("--launchers MODE");
    }

    @Test
    void shouldGiveEveryRoundNewSmallBlobsOfTheSameSize() {
        BlobSet set = BlobSet.prepare(HarnessOptions.parse("--blob-size", "1m", "--chunk-size", "256k", "--small-blobs", "3",
                "--small-blob-size", "4k"), 2);
        BlobSet first = set.withSmallOfRound(1, 3);
        BlobSet again = set.withSmallOfRound(1, 3);
        BlobSet second = set.withSmallOfRound(2, 3);
        java.util.Set<String> digests = new java.util.HashSet<>();
        for (BlobSet s : List.of(set, first, second)) {
            s.small().forEach(b -> digests.add(b.digest()));
            s.warmSmall().forEach(b -> digests.add(b.digest()));
            assertThat(s.small()).hasSize(3).allSatisfy(b -> assertThat(b.size()).isEqualTo(4096));
        }
        assertThat(digests).hasSize(3 + 3 + 3 + 2); // the warm-up blobs are shared, every other one is new
        assertThat(again.small().get(2).digest()).isEqualTo(first.small().get(2).digest());
        assertThat(first.configDigest()).isEqualTo(set.configDigest());
        assertThatThrownBy(() -> set.withSmallOfRound(0, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPairEachRoundsValuesWhenRendering() {
        Results results = new Results();
        List<Double> none = List.of(1000.0, 2000.0, 1500.0);
        List<Double> hook = List.of(900.0, 2000.0, 1470.0);
        for (int r = 0; r < 3; r++) {
            results.add(Metric.TAG_CREATE, EventCostMain.NONE, none.get(r));
            results.add(Metric.TAG_CREATE, EventCostMain.WEBHOOK, hook.get(r));
        }
        // The ratio of the medians is 0.980×; the rounds' ratios are 0.900, 1.00 and 0.980, median 0.980.
        assertThat(EventCostMain.roundRatios(results)).contains("0.900×, 1.00×, 0.980×; median 0.980×")
                .doesNotContain(Metric.SMALL_BLOBS.label());
        assertThat(EventCostMain.render(List.of("date: today"), results)).contains("Each round's ratio");
    }

    @Test
    void shouldGiveTheWebhooksOwnCpuAsAShareOfTheLaunchers() {
        java.util.Map<String, List<Double>> cpu = new java.util.LinkedHashMap<>();
        cpu.put("launcher, " + EventCostMain.NONE, List.of(4.0, 6.0));
        cpu.put(EventCostMain.RECEIVER_CPU, List.of(0.05, 0.05));
        cpu.put("launcher, " + EventCostMain.WEBHOOK, List.of(4.2, 6.1));
        cpu.put(EventCostMain.DELIVERY_CPU, List.of(0.1, 0.2));
        String kept = EventCostMain.renderCpu(true, cpu);
        assertThat(kept).contains("CPU seconds per round").contains("| " + EventCostMain.DELIVERY_CPU + " | 0.150 | 0.100, 0.200 |")
                .contains("summed over rounds").contains("delivery 3.0 %, the receiver 1.0 %, together 4.0 %");
        assertThat(EventCostMain.renderCpu(false, cpu)).contains("CPU seconds per run").contains("summed over runs");
        cpu.remove(EventCostMain.DELIVERY_CPU);
        assertThat(EventCostMain.renderCpu(true, cpu)).doesNotContain("together");
    }

    @Test
    void shouldSayHowLongDeliveryRanPastThePushes() {
        assertThat(EventCostMain.renderDrains(List.of())).isEmpty();
        assertThat(EventCostMain.renderDrains(List.of(0.0, 12.5, 300.0)))
                .contains("by a median of 12.5 ms (every one: 0.000, 12.5, 300).");
    }

    @Test
    void shouldWaitUntilTheReceiverIsQuiet() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            byte[] body = "{\"id\":\"1\",\"type\":\"dev.wharf.tag.updated\"}".getBytes(StandardCharsets.UTF_8);
            HttpClient client = HttpClient.newHttpClient();
            client.send(HttpRequest.newBuilder(URI.create(receiver.url()))
                    .header("X-Wharf-Signature", "sha256=" + WebhookReceiver.hmac(receiver.key, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            long start = System.nanoTime();
            receiver.awaitQuiet(300);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(200_000_000L); // quiet measured from the request
            client.send(HttpRequest.newBuilder(URI.create(receiver.url())).header("X-Wharf-Signature", "sha256=00")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
            assertThatThrownBy(() -> receiver.awaitQuiet(50)).isInstanceOf(BenchmarkFailure.class)
                    .hasMessageContaining("signature");
        }
    }

    @Test
    void shouldReportTheRatioAgainstTheGoalWhenRendering() {
        Results results = new Results();
        for (double v : List.of(1000.0, 900.0, 1100.0)) {
            results.add(Metric.SMALL_BLOBS, EventCostMain.NONE, v);
        }
        for (double v : List.of(960.0, 950.0, 980.0)) {
            results.add(Metric.SMALL_BLOBS, EventCostMain.WEBHOOK, v);
        }
        String report = EventCostMain.render(List.of("date: today"), results);
        assertThat(report).contains("| 1000 | 960 | 0.960× |").contains("| yes |");
    }
}
