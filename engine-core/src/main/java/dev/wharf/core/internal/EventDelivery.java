package dev.wharf.core.internal;

import dev.wharf.api.EventSinkStatus;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.Webhook;
import dev.wharf.spi.EventLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the event log to the configured {@link Webhook}s: one thread per webhook reads the log after the
 * webhook's cursor, {@code POST}s each event that passes its filters, and moves the cursor (kept in the metadata
 * store) past what it delivered. At least once, in log order; a failing receiver is retried with exponential
 * backoff (half a second doubling to a minute, with jitter) and holds up only its own webhook, never a push.
 * A webhook seen for the first time starts at the end of the log: it hears of changes from then on. The stored
 * cursor follows at most {@value #CURSOR_EVERY_MILLIS} ms behind while events flow, so a crash re-delivers at
 * most that much.
 */
public final class EventDelivery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventDelivery.class.getName());
    private static final int READ_BATCH = 100;
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);
    /**
     * How stale the stored cursor may get while a sink is busy: it is written at most this often (and whenever the
     * sink goes idle or stops), not after every read. A crash then re-delivers at most this much, which
     * at-least-once allows; a write per read would add a store write for every event or two under load.
     */
    private static final long CURSOR_EVERY_MILLIS = 200;
    /**
     * How long a sink that was waiting lets the log grow after it is woken before reading it: under a stream of
     * changes each read, durability wait and thread wake-up then serves several events instead of one, for 2 ms
     * more latency.
     */
    private static final long GATHER_NANOS = Duration.ofMillis(2).toNanos();
    /**
     * {@link #GATHER_NANOS} for a webhook that takes batches, and its pause after a read that did not fill one: under
     * a stream of changes each read, request and durability wait then serves a fuller batch (at 8,000 events a
     * second, reading whenever the last request was answered made batches of a dozen), for 20 ms more latency.
     */
    private static final long BATCH_GATHER_NANOS = Duration.ofMillis(20).toNanos();
    private static final long CURSOR_EVERY_NANOS = Duration.ofMillis(CURSOR_EVERY_MILLIS).toNanos();
    private static final long MIN_WAIT_NANOS = Duration.ofMillis(1).toNanos();

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
        /** Set by {@link #wake()} when the log grows; taken by the sink before it reads. */
        private final AtomicBoolean woken = new AtomicBoolean();
        /** True while the sink's thread is parked (or about to park) waiting for {@link #woken}. */
        private volatile boolean sleeping;
        private volatile boolean stopped;
        private volatile long acknowledged;
        /** The cursor as last stored, and when (System.nanoTime()). Used by the sink's thread only. */
        private long stored;
        private long storedAt = System.nanoTime();
        private final javax.crypto.Mac mac;
        /** The kept-alive client for a direct plain-HTTP receiver; null: HttpURLConnection (HTTPS, a proxy). */
        private final KeptAliveHttpPost direct;
        /** Whether the webhook takes batches of events per request. */
        private final boolean batches;
        /** How long this sink lets events gather before a read: {@link #BATCH_GATHER_NANOS} if it batches. */
        private final long gatherNanos;
        private volatile String lastError;
        private volatile Instant lastErrorAt;
        volatile Thread thread;

        Sink(Webhook webhook, EventLog log, Clock clock, long start) {
            this.webhook = webhook;
            this.log = log;
            this.clock = clock;
            this.acknowledged = start;
            this.stored = start;
            this.mac = webhook.secret().map(WebhookPayloads::mac).orElse(null);
            this.direct = KeptAliveHttpPost.forUrl(webhook.url(), webhook.timeout()).orElse(null);
            this.batches = webhook.batch() > 1;
            this.gatherNanos = batches ? BATCH_GATHER_NANOS : GATHER_NANOS;
        }

        /**
         * Called by every change that records events, on the pushing thread: a read of one flag while the sink is
         * busy or already woken, and an unpark only when it sleeps, so that pushes never queue on a lock here.
         * Setting {@link #woken} before reading {@link #sleeping}, as the sink sets {@code sleeping} before it
         * reads {@code woken}, means one of the two always sees the other: no wake-up is lost.
         */
        void wake() {
            if (!woken.get() && !woken.getAndSet(true) && sleeping) {
                Thread t = thread;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }

        void stop() {
            stopped = true;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
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
            try {
                deliverUntilStopped();
            } finally {
                storeCursorQuietly();
                if (direct != null) {
                    direct.close();
                }
            }
        }

        private void deliverUntilStopped() {
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
                    storeCursorIfDue();
                    if (batches && batch.size() < Math.min(READ_BATCH, webhook.batch()) && !stopped) {
                        LockSupport.parkNanos(gatherNanos); // not a full batch: let the next one fill
                    }
                } catch (RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    LOG.log(Level.WARNING, "webhook " + webhook.name() + ": reading the event log failed", e);
                    sleep(IDLE_WAIT);
                }
            }
        }

        /** {@link #storeCursor()} once the stored cursor is {@link #CURSOR_EVERY_NANOS} old. */
        private void storeCursorIfDue() {
            if (System.nanoTime() - storedAt >= CURSOR_EVERY_NANOS) {
                storeCursor();
            }
        }

        /** Writes the cursor if it moved since it was last written. */
        private void storeCursor() {
            long at = acknowledged;
            if (at != stored) {
                log.putCursor(webhook.name(), at);
                stored = at;
            }
            storedAt = System.nanoTime();
        }

        /** {@link #storeCursor()} on the way out: a failure only means re-delivery after the next start. */
        private void storeCursorQuietly() {
            try {
                storeCursor();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "webhook " + webhook.name() + ": the cursor was not stored on stopping", e);
            }
        }

        /**
         * Waits for the log to grow. A cursor that moved is stored once it is {@link #CURSOR_EVERY_NANOS} old, or
         * when no event came for that long: not on every wait, as a sink that keeps up waits after nearly every
         * event.
         */
        private void idle() {
            storeCursorIfDue();
            boolean dirty = acknowledged != stored;
            long dueIn = CURSOR_EVERY_NANOS - (System.nanoTime() - storedAt);
            boolean woke = woken.getAndSet(false);
            if (!woke && !stopped) {
                sleeping = true;
                if (!woken.get()) {
                    LockSupport.parkNanos(this, dirty ? Math.max(MIN_WAIT_NANOS, dueIn) : IDLE_WAIT.toNanos());
                }
                sleeping = false;
                if (Thread.interrupted()) {
                    stopped = true;
                }
                woke = woken.getAndSet(false);
            }
            if (dirty && !woke) {
                storeCursor(); // quiet since (or a spurious return from park): store where delivery stands
            }
            if (woke && !stopped) {
                LockSupport.parkNanos(gatherNanos);
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
            byte[] body = webhook.format() == Webhook.Format.CLOUDEVENTS
                    ? batches ? WebhookPayloads.cloudEventBatch(events, source)
                            : WebhookPayloads.cloudEvent(event, source)
                    : WebhookPayloads.distributionEnvelope(events, source);
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.put("Content-Type", webhook.format() == Webhook.Format.DISTRIBUTION
                    ? "application/vnd.docker.distribution.events.v1+json"
                    : batches ? "application/cloudevents-batch+json" : "application/cloudevents+json");
            headers.put("X-Wharf-Event-Id", Long.toString(event.sequence()));
            if (mac != null) {
                headers.put(Webhook.SIGNATURE_HEADER, "sha256=" + WebhookPayloads.hmac(mac, body));
            }
            int status = direct != null ? direct.post(headers, body) : postThroughJdk(headers, body);
            if (status < 200 || status > 299) {
                throw new IOException(webhook.url() + " answered " + status);
            }
        }

        /** The JDK's client, for HTTPS receivers and those behind a proxy; returns the answer's status. */
        private int postThroughJdk(java.util.Map<String, String> headers, byte[] body) throws IOException {
            HttpURLConnection c = (HttpURLConnection) webhook.url().toURL().openConnection();
            int timeout = (int) Math.min(Integer.MAX_VALUE, webhook.timeout().toMillis());
            c.setConnectTimeout(timeout);
            c.setReadTimeout(timeout);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setFixedLengthStreamingMode(body.length);
            headers.forEach(c::setRequestProperty);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            try (InputStream answer = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (answer != null) {
                    answer.readNBytes(64 * 1024); // read so the connection can be kept alive
                }
            }
            return status;
        }
    }
}
