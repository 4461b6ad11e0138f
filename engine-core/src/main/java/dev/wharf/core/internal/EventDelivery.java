package dev.wharf.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.wharf.api.EventSinkStatus;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.Webhook;
import dev.wharf.spi.EventLog;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the event log to the configured {@link Webhook}s: one thread per webhook reads the log after the
 * webhook's cursor, {@code POST}s each event that passes its filters, and moves the cursor (kept in the metadata
 * store) past what it delivered. At least once, in log order; a failing receiver is retried with exponential
 * backoff (half a second doubling to a minute, with jitter) and holds up only its own webhook, never a push.
 * A webhook seen for the first time starts at the end of the log: it hears of changes from then on.
 */
public final class EventDelivery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventDelivery.class.getName());
    private static final int READ_BATCH = 100;
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);
    private static final JsonFactory JSON = new JsonFactory();

    private final List<Sink> sinks = new ArrayList<>();
    private final String source;

    /**
     * Starts delivery to {@code webhooks}.
     *
     * @param source the CloudEvents {@code source} of this registry's events
     * @throws IllegalStateException when there are webhooks but the metadata store keeps no event log
     */
    public EventDelivery(Optional<EventLog> log, List<Webhook> webhooks, Clock clock, String source) {
        this.source = source;
        if (webhooks.isEmpty()) {
            return;
        }
        EventLog events = log.orElseThrow(() -> new IllegalStateException("webhooks need a metadata store that keeps "
                + "an event log (MetadataStore.eventLog()); this one keeps none"));
        for (Webhook webhook : webhooks) {
            long start = events.cursor(webhook.name()).orElseGet(() -> {
                long end = events.lastSequence();
                events.putCursor(webhook.name(), end);
                return end;
            });
            sinks.add(new Sink(webhook, events, clock, start));
        }
    }

    /** Starts one delivery thread per webhook. */
    public void start() {
        for (int i = 0; i < sinks.size(); i++) {
            Sink sink = sinks.get(i);
            Thread thread = new Thread(sink, "wharf-webhook-" + i);
            thread.setDaemon(true);
            sink.thread = thread;
            thread.start();
        }
    }

    /** Tells the sinks that the log has grown. */
    public void wake() {
        for (Sink sink : sinks) {
            sink.wake();
        }
    }

    /** Where each sink stands. */
    public List<EventSinkStatus> status() {
        List<EventSinkStatus> out = new ArrayList<>(sinks.size());
        for (Sink sink : sinks) {
            out.add(sink.status());
        }
        return out;
    }

    /** Stops the sinks' threads; what they had not delivered waits in the log for the next start. */
    @Override
    public void close() {
        for (Sink sink : sinks) {
            sink.stop();
        }
        for (Sink sink : sinks) {
            if (sink.thread == null) {
                continue;
            }
            try {
                sink.thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One webhook's delivery loop. */
    private final class Sink implements Runnable {
        private final Webhook webhook;
        private final EventLog log;
        private final Clock clock;
        private final Object signal = new Object();
        private volatile boolean stopped;
        private volatile long acknowledged;
        private volatile String lastError;
        private volatile Instant lastErrorAt;
        private boolean woken;
        Thread thread;

        Sink(Webhook webhook, EventLog log, Clock clock, long start) {
            this.webhook = webhook;
            this.log = log;
            this.clock = clock;
            this.acknowledged = start;
        }

        void wake() {
            synchronized (signal) {
                woken = true;
                signal.notifyAll();
            }
        }

        void stop() {
            stopped = true;
            wake();
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }

        EventSinkStatus status() {
            long backlog;
            try {
                backlog = Math.max(0, log.lastSequence() - acknowledged);
            } catch (RuntimeException e) {
                backlog = 0; // the store is closing
            }
            String error = lastError;
            return new EventSinkStatus(webhook.name(), acknowledged, backlog, Optional.ofNullable(error),
                    error == null ? Optional.empty() : Optional.ofNullable(lastErrorAt));
        }

        @Override
        public void run() {
            while (!stopped) {
                try {
                    List<RegistryEvent> batch = log.events(acknowledged, READ_BATCH);
                    if (batch.isEmpty()) {
                        idle();
                        continue;
                    }
                    log.awaitDurable(); // never announce what a crash could take back
                    List<RegistryEvent> request = new ArrayList<>(webhook.batch());
                    for (RegistryEvent event : batch) {
                        if (webhook.wants(event)) {
                            request.add(event);
                            if (request.size() == webhook.batch()) {
                                if (!deliver(request)) {
                                    return; // stopped while retrying
                                }
                                request.clear();
                            }
                        }
                        if (request.isEmpty()) {
                            acknowledged = event.sequence();
                        }
                    }
                    if (!request.isEmpty() && !deliver(request)) {
                        return;
                    }
                    acknowledged = batch.get(batch.size() - 1).sequence();
                    log.putCursor(webhook.name(), acknowledged);
                } catch (RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    LOG.log(Level.WARNING, "webhook " + webhook.name() + ": reading the event log failed", e);
                    sleep(IDLE_WAIT);
                }
            }
        }

        private void idle() {
            synchronized (signal) {
                if (!woken && !stopped) {
                    try {
                        signal.wait(IDLE_WAIT.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stopped = true;
                    }
                }
                woken = false;
            }
        }

        /** Delivers until it succeeds; false if stopped first. */
        private boolean deliver(List<RegistryEvent> events) {
            RegistryEvent event = events.get(events.size() - 1);
            Duration wait = FIRST_RETRY;
            while (!stopped) {
                try {
                    post(events);
                    lastError = null;
                    return true;
                } catch (IOException | RuntimeException e) {
                    lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                    lastErrorAt = clock.instant();
                    LOG.log(Level.FINE, () -> "webhook " + webhook.name() + ": event " + event.sequence() + " failed: "
                            + lastError);
                    long jittered = (long) (wait.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble() / 2));
                    sleep(Duration.ofMillis(jittered));
                    wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
                }
            }
            return false;
        }

        private void sleep(Duration d) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }

        private void post(List<RegistryEvent> events) throws IOException {
            RegistryEvent event = events.get(events.size() - 1);
            boolean batched = webhook.batch() > 1;
            byte[] body = webhook.format() == Webhook.Format.CLOUDEVENTS
                    ? batched ? cloudEventBatch(events, source) : cloudEvent(event, source)
                    : distributionEnvelope(events, source);
            HttpURLConnection c = (HttpURLConnection) webhook.url().toURL().openConnection();
            int timeout = (int) Math.min(Integer.MAX_VALUE, webhook.timeout().toMillis());
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setFixedLengthStreamingMode(body.length);
            c.setRequestProperty("Content-Type", webhook.format() == Webhook.Format.DISTRIBUTION
                    ? "application/vnd.docker.distribution.events.v1+json"
                    : batched ? "application/cloudevents-batch+json" : "application/cloudevents+json");
            c.setRequestProperty("X-Wharf-Event-Id", Long.toString(event.sequence()));
            Optional<byte[]> secret = webhook.secret();
            if (secret.isPresent()) {
                c.setRequestProperty(Webhook.SIGNATURE_HEADER, "sha256=" + hmac(secret.get(), body));
            }
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            try (InputStream answer = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (answer != null) {
                    answer.readNBytes(64 * 1024); // read so the connection can be kept alive
                }
            }
            if (status < 200 || status > 299) {
                throw new IOException(webhook.url() + " answered " + status);
            }
        }
    }

    /** The hex HMAC-SHA256 of {@code body} under {@code key}, as the signature header carries it. */
    static String hmac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
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
        g.writeStringField("time", e.time().toString());
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
        g.writeStringField("timestamp", e.time().toString());
        g.writeStringField("action", switch (e.type()) {
            case BLOB_UPLOADED, MANIFEST_PUSHED, TAG_UPDATED -> "push";
            case BLOB_MOUNTED -> "mount";
            case BLOB_DELETED, BLOB_COLLECTED, MANIFEST_DELETED, TAG_DELETED -> "delete";
            case REPOSITORY_CREATED -> "create";
            case REPOSITORY_EMPTIED -> "empty";
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
