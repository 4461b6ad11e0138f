package dev.wharf.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.wharf.api.RegistryEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What a webhook request carries ({@link EventDelivery}): events as CloudEvents 1.0 (structured or batched JSON
 * mode) or in CNCF distribution's notification envelope, and the body's HMAC-SHA256 signature.
 */
final class WebhookPayloads {
    private static final JsonFactory JSON = new JsonFactory();
    /** The whole second {@link #iso} formatted last: a sink's events come in runs within one second. */
    private static volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    /** A whole second in ISO-8601, without its closing {@code Z}. */
    private record FormattedSecond(long epochSecond, String text) {
    }

    private WebhookPayloads() {
    }

    /** An HMAC-SHA256 keyed with {@code key}, for {@link #hmac(Mac, byte[])}; one per thread. */
    static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /**
     * The hex HMAC-SHA256 of {@code body} under {@code mac}'s key, as the signature header carries it; {@code mac}
     * is ready for the next body after.
     */
    static String hmac(Mac mac, byte[] body) {
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    /**
     * {@code time.toString()}: ISO-8601 in UTC with as many fraction digits as needed (none, 3, 6 or 9), the date and
     * time of day formatted once per second instead of for every event (a quarter of the JSON's cost before).
     */
    static String iso(Instant time) {
        FormattedSecond second = lastSecond;
        if (second.epochSecond() != time.getEpochSecond()) {
            String whole = Instant.ofEpochSecond(time.getEpochSecond()).toString();
            second = new FormattedSecond(time.getEpochSecond(), whole.substring(0, whole.length() - 1));
            lastSecond = second;
        }
        int nano = time.getNano();
        StringBuilder out = new StringBuilder(second.text().length() + 11).append(second.text());
        if (nano != 0) {
            int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
            String value = Integer.toString(digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano);
            out.append('.').append("0".repeat(digits - value.length())).append(value);
        }
        return out.append('Z').toString();
    }

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
        g.writeStringField("time", iso(e.time()));
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
        g.writeStringField("timestamp", iso(e.time()));
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
