package dev.wharf.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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

    /** The payloads as a general-purpose generator writes them: the oracle for {@link JsonBytes}. */
    static final class JacksonPayloads {
        private static final JsonFactory JSON = new JsonFactory();

        /** A CloudEvents 1.0 event in structured JSON mode. */
        static byte[] cloudEvent(RegistryEvent e, String source) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                writeCloudEvent(g, e, source);
            }
            return bytes.toByteArray();
        }

        /** CloudEvents in batched mode: a JSON array of structured events. */
        static byte[] cloudEventBatch(List<RegistryEvent> events, String source) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 * events.size());
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                g.writeStartArray();
                for (RegistryEvent e : events) {
                    writeCloudEvent(g, e, source);
                }
                g.writeEndArray();
            }
            return bytes.toByteArray();
        }

        private static void writeCloudEvent(JsonGenerator g, RegistryEvent e, String source) throws IOException {
            g.writeStartObject();
            g.writeStringField("specversion", "1.0");
            g.writeStringField("id", Long.toString(e.sequence()));
            g.writeStringField("source", source);
            g.writeStringField("type", e.type().cloudEventType());
            if (e.repository().isPresent()) {
                g.writeStringField("subject", e.repository().get().value());
            }
            g.writeStringField("time", WebhookPayloads.iso(e.time()));
            g.writeStringField("datacontenttype", "application/json");
            g.writeObjectFieldStart("data");
            writeFacts(g, e);
            g.writeEndObject();
            g.writeEndObject();
        }

        private static void writeFacts(JsonGenerator g, RegistryEvent e) throws IOException {
            if (e.repository().isPresent()) {
                g.writeStringField("repository", e.repository().get().value());
            }
            if (e.digest().isPresent()) {
                g.writeStringField("digest", e.digest().get().toString());
            }
            if (e.tag().isPresent()) {
                g.writeStringField("tag", e.tag().get().value());
            }
            if (e.mediaType().isPresent()) {
                g.writeStringField("mediaType", e.mediaType().get());
            }
            if (e.artifactType().isPresent()) {
                g.writeStringField("artifactType", e.artifactType().get());
            }
            if (e.size().isPresent()) {
                g.writeNumberField("size", e.size().getAsLong());
            }
            g.writeStringField("origin", e.origin().name().toLowerCase(Locale.ROOT));
            if (e.caller().principal().isPresent()) {
                g.writeStringField("actor", e.caller().principal().get().getName());
            }
        }

        /** Events in CNCF distribution's notification envelope: {@code {"events":[...]}}. */
        static byte[] distributionEnvelope(List<RegistryEvent> events, String source) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512 * events.size());
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                g.writeStartObject();
                g.writeArrayFieldStart("events");
                for (RegistryEvent e : events) {
                    writeDistributionEvent(g, e, source);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            return bytes.toByteArray();
        }

        private static void writeDistributionEvent(JsonGenerator g, RegistryEvent e, String source) throws IOException {
            g.writeStartObject();
            g.writeStringField("id", Long.toString(e.sequence()));
            g.writeStringField("timestamp", WebhookPayloads.iso(e.time()));
            g.writeStringField("action", switch (e.type()) {
                case BLOB_UPLOADED, MANIFEST_PUSHED, TAG_UPDATED -> "push";
                case BLOB_MOUNTED -> "mount";
                case BLOB_DELETED, BLOB_COLLECTED, MANIFEST_DELETED, TAG_DELETED -> "delete";
                case REPOSITORY_CREATED -> "create";
                case REPOSITORY_EMPTIED -> "empty";
                case QUOTA_REFUSED, CONTENT_REFUSED -> "refuse";
            });
            g.writeObjectFieldStart("target");
            if (e.mediaType().isPresent()) {
                g.writeStringField("mediaType", e.mediaType().get());
            }
            if (e.size().isPresent()) {
                g.writeNumberField("size", e.size().getAsLong());
            }
            if (e.digest().isPresent()) {
                g.writeStringField("digest", e.digest().get().toString());
            }
            if (e.repository().isPresent()) {
                g.writeStringField("repository", e.repository().get().value());
            }
            if (e.tag().isPresent()) {
                g.writeStringField("tag", e.tag().get().value());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("actor");
            if (e.caller().principal().isPresent()) {
                g.writeStringField("name", e.caller().principal().get().getName());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("source");
            g.writeStringField("addr", source);
            g.writeEndObject();
            g.writeStringField("wharfType", e.type().cloudEventType());
            g.writeEndObject();
        }
    }

    @Test
    void shouldWriteTheBytesJacksonWroteWhenGivenAnyEvent() throws Exception {
        Random random = new Random(20261202);
        RegistryEvent.Type[] types = RegistryEvent.Type.values();
        RegistryEvent.Origin[] origins = RegistryEvent.Origin.values();
        for (int i = 0; i < 5_000; i++) {
            RegistryEvent.Type type = types[random.nextInt(types.length)];
            Optional<RepositoryName> repository = type == RegistryEvent.Type.BLOB_COLLECTED ? Optional.empty()
                    : Optional.of(RepositoryName.of("team/app" + random.nextInt(100)));
            Optional<Digest> digest = random.nextBoolean() ? Optional.empty()
                    : Optional.of(Digest.parse("sha256:" + String.format("%064x", random.nextInt(1 << 30))));
            Optional<Tag> tag = random.nextBoolean() ? Optional.empty() : Optional.of(Tag.of("v" + random.nextInt(1000)));
            long size = switch (random.nextInt(4)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> -random.nextInt(1000);
                default -> random.nextLong();
            };
            String principal = anyText(random);
            Caller caller = random.nextInt(3) == 0 ? Caller.anonymous() : Caller.of(() -> principal);
            RegistryEvent event = new RegistryEvent(type, origins[random.nextInt(origins.length)], repository, digest,
                    tag, random.nextBoolean() ? Optional.empty() : Optional.of(anyText(random)),
                    random.nextBoolean() ? Optional.empty() : Optional.of(anyText(random)),
                    random.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(size), caller,
                    Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000)),
                    random.nextBoolean() ? random.nextInt(1000) : random.nextLong() & Long.MAX_VALUE);
            String source = random.nextBoolean() ? "/wharf" : anyText(random);
            assertThat(new String(WebhookPayloads.cloudEvent(event, source), StandardCharsets.UTF_8))
                    .isEqualTo(new String(JacksonPayloads.cloudEvent(event, source), StandardCharsets.UTF_8));
            List<RegistryEvent> batch = List.of(event, event.withSequence(event.sequence() / 2));
            assertThat(WebhookPayloads.cloudEventBatch(batch, source))
                    .isEqualTo(JacksonPayloads.cloudEventBatch(batch, source));
            assertThat(WebhookPayloads.distributionEnvelope(batch, source))
                    .isEqualTo(JacksonPayloads.distributionEnvelope(batch, source));
        }
        assertThat(WebhookPayloads.cloudEventBatch(List.of(), "/wharf")).isEqualTo(
                JacksonPayloads.cloudEventBatch(List.of(), "/wharf"));
        assertThat(WebhookPayloads.distributionEnvelope(List.of(), "/wharf")).isEqualTo(
                JacksonPayloads.distributionEnvelope(List.of(), "/wharf"));
    }

    /** Text a principal name or media type may hold: ASCII, quotes, backslashes, control characters, any plane. */
    private static String anyText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> text.append((char) random.nextInt(0x20));
                case 1 -> text.append("\"\\/\u007f".charAt(random.nextInt(4)));
                case 2 -> text.appendCodePoint(0x80 + random.nextInt(0x800 - 0x80));
                case 3 -> text.appendCodePoint(0x800 + random.nextInt(0xd800 - 0x800));
                case 4 -> text.appendCodePoint(0x10000 + random.nextInt(0x110000 - 0x10000));
                default -> text.append((char) (0x20 + random.nextInt(0x5f)));
            }
        }
        return text.toString();
    }

    @Test
    void shouldWriteNullWhenAPrincipalHasNoName() throws Exception {
        RegistryEvent event = new RegistryEvent(RegistryEvent.Type.TAG_DELETED, RegistryEvent.Origin.CLIENT,
                Optional.of(RepositoryName.of("team/app")), Optional.empty(), Optional.of(Tag.of("v1")),
                Optional.empty(), Optional.empty(), OptionalLong.empty(), Caller.of(() -> null), Instant.EPOCH, 8);
        assertThat(WebhookPayloads.cloudEvent(event, "/wharf")).isEqualTo(JacksonPayloads.cloudEvent(event, "/wharf"));
        assertThat(JSON.readTree(WebhookPayloads.distributionEnvelope(List.of(event), "/wharf"))
                .path("events").path(0).path("actor").path("name").isNull()).isTrue();
    }

    @Test
    void shouldWriteAQuestionMarkWhenASurrogateIsAlone() throws Exception {
        RegistryEvent event = new RegistryEvent(RegistryEvent.Type.TAG_UPDATED, RegistryEvent.Origin.CLIENT,
                Optional.of(RepositoryName.of("team/app")), Optional.empty(), Optional.of(Tag.of("v1")),
                Optional.empty(), Optional.empty(), OptionalLong.empty(), Caller.of(() -> "a\ud800b\udc00"),
                Instant.EPOCH, 7);
        JsonNode cloud = JSON.readTree(WebhookPayloads.cloudEvent(event, "/wharf"));
        assertThat(cloud.path("data").path("actor").asText()).isEqualTo("a?b?");
    }
}
