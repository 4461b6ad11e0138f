package dev.wharf.core.internal;

import dev.wharf.api.RegistryEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What a webhook request carries ({@link EventDelivery}): events as CloudEvents 1.0 (structured or batched JSON
 * mode) or in CNCF distribution's notification envelope, and the body's HMAC-SHA256 signature.
 */
final class WebhookPayloads {
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
    static byte[] cloudEvent(RegistryEvent e, String source) {
        JsonBytes json = new JsonBytes(512);
        writeCloudEvent(json, e, source);
        return json.toByteArray();
    }

    /** CloudEvents in batched mode: a JSON array of structured events. */
    static byte[] cloudEventBatch(List<RegistryEvent> events, String source) {
        JsonBytes json = new JsonBytes(512 * events.size() + 2);
        json.beginArray();
        for (RegistryEvent e : events) {
            writeCloudEvent(json, e, source);
        }
        return json.endArray().toByteArray();
    }

    private static final byte[] SPECVERSION = JsonBytes.name("specversion");
    private static final byte[] ID = JsonBytes.name("id");
    private static final byte[] SOURCE = JsonBytes.name("source");
    private static final byte[] TYPE = JsonBytes.name("type");
    private static final byte[] SUBJECT = JsonBytes.name("subject");
    private static final byte[] TIME = JsonBytes.name("time");
    private static final byte[] DATACONTENTTYPE = JsonBytes.name("datacontenttype");
    private static final byte[] DATA = JsonBytes.name("data");
    private static final byte[] REPOSITORY = JsonBytes.name("repository");
    private static final byte[] DIGEST = JsonBytes.name("digest");
    private static final byte[] TAG = JsonBytes.name("tag");
    private static final byte[] MEDIA_TYPE = JsonBytes.name("mediaType");
    private static final byte[] ARTIFACT_TYPE = JsonBytes.name("artifactType");
    private static final byte[] SIZE = JsonBytes.name("size");
    private static final byte[] ORIGIN = JsonBytes.name("origin");
    private static final byte[] ACTOR = JsonBytes.name("actor");
    private static final byte[] EVENTS = JsonBytes.name("events");
    private static final byte[] TIMESTAMP = JsonBytes.name("timestamp");
    private static final byte[] ACTION = JsonBytes.name("action");
    private static final byte[] TARGET = JsonBytes.name("target");
    private static final byte[] NAME = JsonBytes.name("name");
    private static final byte[] ADDR = JsonBytes.name("addr");
    private static final byte[] WHARF_TYPE = JsonBytes.name("wharfType");

    private static void writeCloudEvent(JsonBytes json, RegistryEvent e, String source) {
        json.beginObject()
                .field(SPECVERSION, "1.0")
                .fieldQuotedNumber(ID, e.sequence())
                .field(SOURCE, source)
                .field(TYPE, e.type().cloudEventType());
        if (e.repository().isPresent()) {
            json.field(SUBJECT, e.repository().get().value());
        }
        json.field(TIME, iso(e.time()))
                .field(DATACONTENTTYPE, "application/json")
                .field(DATA).beginObject();
        writeFacts(json, e);
        json.endObject().endObject();
    }

    private static void writeFacts(JsonBytes json, RegistryEvent e) {
        if (e.repository().isPresent()) {
            json.field(REPOSITORY, e.repository().get().value());
        }
        if (e.digest().isPresent()) {
            json.field(DIGEST, e.digest().get().toString());
        }
        if (e.tag().isPresent()) {
            json.field(TAG, e.tag().get().value());
        }
        if (e.mediaType().isPresent()) {
            json.field(MEDIA_TYPE, e.mediaType().get());
        }
        if (e.artifactType().isPresent()) {
            json.field(ARTIFACT_TYPE, e.artifactType().get());
        }
        if (e.size().isPresent()) {
            json.field(SIZE, e.size().getAsLong());
        }
        json.field(ORIGIN, switch (e.origin()) { // constants: no lower-casing per event
            case CLIENT -> "client";
            case GARBAGE_COLLECTION -> "garbage_collection";
            case MIRROR -> "mirror";
        });
        if (e.caller().principal().isPresent()) {
            json.field(ACTOR, e.caller().principal().get().getName());
        }
    }

    /** Events in CNCF distribution's notification envelope: {@code {"events":[...]}}. */
    static byte[] distributionEnvelope(List<RegistryEvent> events, String source) {
        JsonBytes json = new JsonBytes(512 * events.size() + 16);
        json.beginObject().field(EVENTS).beginArray();
        for (RegistryEvent e : events) {
            writeDistributionEvent(json, e, source);
        }
        return json.endArray().endObject().toByteArray();
    }

    private static void writeDistributionEvent(JsonBytes json, RegistryEvent e, String source) {
        json.beginObject()
                .fieldQuotedNumber(ID, e.sequence())
                .field(TIMESTAMP, iso(e.time()))
                .field(ACTION, switch (e.type()) {
                    case BLOB_UPLOADED, MANIFEST_PUSHED, TAG_UPDATED -> "push";
                    case BLOB_MOUNTED -> "mount";
                    case BLOB_DELETED, BLOB_COLLECTED, MANIFEST_DELETED, TAG_DELETED -> "delete";
                    case REPOSITORY_CREATED -> "create";
                    case REPOSITORY_EMPTIED -> "empty";
                    case QUOTA_REFUSED, CONTENT_REFUSED -> "refuse";
                })
                .field(TARGET).beginObject();
        if (e.mediaType().isPresent()) {
            json.field(MEDIA_TYPE, e.mediaType().get());
        }
        if (e.size().isPresent()) {
            json.field(SIZE, e.size().getAsLong());
        }
        if (e.digest().isPresent()) {
            json.field(DIGEST, e.digest().get().toString());
        }
        if (e.repository().isPresent()) {
            json.field(REPOSITORY, e.repository().get().value());
        }
        if (e.tag().isPresent()) {
            json.field(TAG, e.tag().get().value());
        }
        json.endObject().field(ACTOR).beginObject();
        if (e.caller().principal().isPresent()) {
            json.field(NAME, e.caller().principal().get().getName());
        }
        json.endObject()
                .field(SOURCE).beginObject().field(ADDR, source).endObject()
                .field(WHARF_TYPE, e.type().cloudEventType())
                .endObject();
    }
}
