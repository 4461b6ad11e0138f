package dev.wharf.core.internal;

import dev.wharf.api.Digest;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryEvent.Origin;
import dev.wharf.api.RegistryEvent.Type;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.RegistryListener;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The events of committed changes, one per change. An engine part describes its change's events
 * ({@link #blob}, {@link #manifest}) and hands them, as {@link PendingEvents}, to the store method that makes the
 * change, so that a store with an {@link EventLog} records them in the same atomic write; once the change is
 * made, {@link #deliver} tells the in-process listeners what was recorded (with its sequence numbers). A failing
 * listener is logged and never fails the change. When there is neither a log nor a listener, nothing is built.
 */
public final class Events {
    private static final Logger LOG = Logger.getLogger(Events.class.getName());

    private final List<RegistryListener> listeners;
    private final Optional<EventLog> log;
    private final Clock clock;
    private final boolean recording;
    private volatile Runnable onRecorded = () -> { };

    public Events(List<RegistryListener> listeners, Optional<EventLog> log, Clock clock) {
        this.listeners = listeners;
        this.log = log;
        this.clock = clock;
        this.recording = !listeners.isEmpty() || log.isPresent();
    }

    /** Runs {@code hook} after each change that recorded events (to wake the webhooks' delivery). */
    public void onRecorded(Runnable hook) {
        this.onRecorded = hook;
    }

    /** Whether events are wanted at all: by a listener or the store's log. */
    boolean recording() {
        return recording;
    }

    /** The events of one change, or none when nothing wants them. */
    PendingEvents pending(List<RegistryEvent> events) {
        return recording ? PendingEvents.of(events) : PendingEvents.none();
    }

    /** {@link #pending(List)} of one event. */
    PendingEvents pending(RegistryEvent event) {
        return recording ? PendingEvents.of(List.of(event)) : PendingEvents.none();
    }

    /** A blob linked, uploaded or unlinked in {@code repo} by a client. */
    RegistryEvent blob(Type type, Caller caller, RepositoryName repo, BlobInfo blob) {
        return new RegistryEvent(type, Origin.CLIENT, Optional.of(repo), Optional.of(blob.digest()),
                Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.of(blob.size()), caller,
                clock.instant());
    }

    /** A blob's event when events are wanted, else none. */
    PendingEvents blobPending(Type type, Caller caller, RepositoryName repo, BlobInfo blob) {
        return recording ? pending(blob(type, caller, repo, blob)) : PendingEvents.none();
    }

    /**
     * A change to a manifest, or to a tag pointing at {@code manifest} (for {@link Type#TAG_DELETED}, the one it
     * pointed at), made by {@code caller} or, when {@code origin} says so, by the registry itself.
     */
    RegistryEvent manifest(Type type, Origin origin, Caller caller, RepositoryName repo, ManifestRecord manifest,
                           Optional<Tag> tag) {
        return new RegistryEvent(type, origin, Optional.of(repo), Optional.of(manifest.digest()), tag,
                Optional.of(manifest.manifest().mediaType()), manifest.artifactType(),
                OptionalLong.of(manifest.manifest().size()), caller, clock.instant());
    }

    /** The events of a manifest removed together with {@code tags}: each tag's, then the manifest's. */
    PendingEvents removal(Origin origin, Caller caller, RepositoryName repo, ManifestRecord manifest, List<Tag> tags) {
        if (!recording) {
            return PendingEvents.none();
        }
        List<RegistryEvent> all = new ArrayList<>(tags.size() + 1);
        for (Tag tag : tags) {
            all.add(manifest(Type.TAG_DELETED, origin, caller, repo, manifest, Optional.of(tag)));
        }
        all.add(manifest(Type.MANIFEST_DELETED, origin, caller, repo, manifest, Optional.empty()));
        return PendingEvents.of(all);
    }

    /**
     * Bytes no repository linked, reclaimed by garbage collection: no metadata change carries this one, so it is
     * recorded on its own, after the bytes are gone, and delivered.
     */
    void blobCollected(BlobInfo blob) {
        if (!recording) {
            return;
        }
        PendingEvents pending = pending(new RegistryEvent(Type.BLOB_COLLECTED, Origin.GARBAGE_COLLECTION,
                Optional.empty(), Optional.of(blob.digest()), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.of(blob.size()), Caller.anonymous(), clock.instant()));
        log.ifPresent(l -> l.appendEvents(pending));
        deliver(pending);
    }

    /**
     * Runs a push for {@code caller} into {@code repo}, reporting a refusal by a quota or the content policy as a
     * {@link Type#QUOTA_REFUSED} or {@link Type#CONTENT_REFUSED} event (recorded on its own, then delivered)
     * before it is rethrown.
     */
    public <T> T reportingRefusals(Caller caller, RepositoryName repo, java.util.function.Supplier<T> push) {
        try {
            return push.get();
        } catch (dev.wharf.api.RegistryException e) {
            refused(caller, repo, e);
            throw e;
        }
    }

    /**
     * {@link #reportingRefusals(Caller, RepositoryName, java.util.function.Supplier)} for a streamed push: reports a
     * refusal when the sink is opened, and while its body is written and finished.
     */
    public <T> dev.wharf.api.UploadSink<T> reportingRefusalsOf(Caller caller, RepositoryName repo,
            java.util.function.Supplier<dev.wharf.api.UploadSink<T>> open) {
        return new ForwardingUploadSink<>(reportingRefusals(caller, repo, open)) {
            @Override
            public void write(java.nio.ByteBuffer bytes) {
                try {
                    sink.write(bytes); // once per buffer of a body: no allocation here
                } catch (dev.wharf.api.RegistryException e) {
                    refused(caller, repo, e);
                    throw e;
                }
            }

            @Override
            public T finish() {
                return reportingRefusals(caller, repo, sink::finish);
            }
        };
    }

    private void refused(Caller caller, RepositoryName repo, dev.wharf.api.RegistryException e) {
        if (!recording || !(e.detail().orElse(null) instanceof java.util.Map<?, ?> detail)) {
            return;
        }
        RegistryEvent event;
        if ("QUOTA_EXCEEDED".equals(detail.get("reason"))) {
            OptionalLong requested = detail.get("requested") instanceof Long n ? OptionalLong.of(n) : OptionalLong.empty();
            event = new RegistryEvent(Type.QUOTA_REFUSED, Origin.CLIENT, Optional.of(repo), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), requested, caller, clock.instant());
        } else if ("CONTENT_REFUSED".equals(detail.get("reason"))) {
            String value = String.valueOf(detail.get("value"));
            boolean artifact = "artifactType".equals(detail.get("field"));
            Optional<Digest> digest = detail.get("digest") instanceof String d ? Optional.of(Digest.parse(d))
                    : Optional.empty();
            event = new RegistryEvent(Type.CONTENT_REFUSED, Origin.CLIENT, Optional.of(repo), digest,
                    Optional.empty(), artifact ? Optional.empty() : Optional.of(value),
                    artifact ? Optional.of(value) : Optional.empty(), OptionalLong.empty(), caller, clock.instant());
        } else {
            return;
        }
        PendingEvents pending = pending(event);
        try {
            log.ifPresent(l -> l.appendEvents(pending));
        } catch (RuntimeException failure) {
            e.addSuppressed(failure);
            return;
        }
        deliver(pending);
    }

    /** Tells the listeners of a change made with {@code pending}: what the store recorded, in order. */
    void deliver(PendingEvents pending) {
        if (pending.isEmpty()) {
            return;
        }
        onRecorded.run();
        if (listeners.isEmpty()) {
            return;
        }
        for (RegistryEvent e : pending.delivered()) {
            for (RegistryListener listener : listeners) {
                try {
                    listener.onEvent(e);
                } catch (RuntimeException failure) {
                    LOG.log(Level.WARNING, "registry listener failed on " + e.type() + " in "
                            + e.repository().map(RepositoryName::value).orElse("(registry)"), failure);
                }
            }
        }
    }
}
