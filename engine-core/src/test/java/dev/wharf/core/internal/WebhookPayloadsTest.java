package dev.wharf.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookPayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@link WebhookPayloads#iso} stands in for {@code Instant.toString()}: it must write the same text. */
    @Test
    void shouldWriteTimesExactlyAsInstantDoes() {
        Random random = new Random(20261201);
        for (int i = 0; i < 20_000; i++) {
            // seconds from before year 0 to after 9999 (a sign and a fifth year digit), several per second
            long second = random.nextLong() % 400_000_000_000L;
            for (int nano : List.of(0, random.nextInt(1000) * 1_000_000, random.nextInt(1_000_000) * 1_000,
                    random.nextInt(1_000_000_000), 1, 999_999_999, 10_000_000)) {
                Instant time = Instant.ofEpochSecond(second, nano);
                assertThat(WebhookPayloads.iso(time)).isEqualTo(time.toString());
            }
        }
        Instant now = Instant.now();
        assertThat(WebhookPayloads.iso(now)).isEqualTo(now.toString());
        assertThat(WebhookPayloads.iso(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(WebhookPayloads.iso(Instant.MAX)).isEqualTo(Instant.MAX.toString());
        assertThat(WebhookPayloads.iso(Instant.MIN)).isEqualTo(Instant.MIN.toString());
    }

    @Test
    void shouldNameTheTypeAndTimeInBothPayloads() throws Exception {
        Instant time = Instant.parse("2026-12-01T14:50:07.125Z");
        RegistryEvent event = new RegistryEvent(RegistryEvent.Type.TAG_UPDATED, RegistryEvent.Origin.CLIENT,
                Optional.of(RepositoryName.of("team/app")), Optional.of(Digest.parse("sha256:" + "a".repeat(64))),
                Optional.of(Tag.of("v1")), Optional.of("application/vnd.oci.image.manifest.v1+json"),
                Optional.empty(), OptionalLong.of(1234), Caller.anonymous(), time, 42);

        JsonNode cloud = JSON.readTree(WebhookPayloads.cloudEvent(event, "/wharf"));
        assertThat(cloud.path("type").asText()).isEqualTo("dev.wharf.tag.updated");
        assertThat(cloud.path("time").asText()).isEqualTo("2026-12-01T14:50:07.125Z");
        assertThat(cloud.path("id").asText()).isEqualTo("42");

        JsonNode batch = JSON.readTree(WebhookPayloads.cloudEventBatch(List.of(event, event), "/wharf"));
        assertThat(batch).hasSize(2);
        assertThat(batch.get(1).path("time").asText()).isEqualTo("2026-12-01T14:50:07.125Z");

        JsonNode envelope = JSON.readTree(WebhookPayloads.distributionEnvelope(List.of(event), "/wharf"));
        JsonNode first = envelope.path("events").path(0);
        assertThat(first.path("timestamp").asText()).isEqualTo("2026-12-01T14:50:07.125Z");
        assertThat(first.path("wharfType").asText()).isEqualTo("dev.wharf.tag.updated");

        assertThat(RegistryEvent.Type.BLOB_COLLECTED.cloudEventType()).isEqualTo("dev.wharf.blob.collected");
        assertThat(RegistryEvent.Type.REPOSITORY_EMPTIED.cloudEventType()).isEqualTo("dev.wharf.repository.emptied");
    }
}
