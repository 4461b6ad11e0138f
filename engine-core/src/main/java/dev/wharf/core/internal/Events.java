package dev.wharf.core.internal;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Caller;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryEvent.Origin;
import dev.wharf.api.RegistryEvent.Type;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.RegistryListener;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers committed changes to the listeners, one event per change; a failing listener is logged and never
 * fails the change. Each engine part calls the one method for the kind of thing it changed.
 */
public final class Events {
    private static final Logger LOG = Logger.getLogger(Events.class.getName());

    private final List<RegistryListener> listeners;
    private final Clock clock;

    public Events(List<RegistryListener> listeners, Clock clock) {
        this.listeners = listeners;
        this.clock = clock;
    }

    /** A blob linked, uploaded or unlinked in {@code repo} by a client. */
    void blob(Type type, Caller caller, RepositoryName repo, BlobInfo blob) {
        publish(() -> new RegistryEvent(type, Origin.CLIENT, Optional.of(repo), Optional.of(blob.digest()),
                Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.of(blob.size()), caller,
                clock.instant()));
    }

    /** Bytes no repository linked, reclaimed by garbage collection. */
    void blobCollected(BlobInfo blob) {
        publish(() -> new RegistryEvent(Type.BLOB_COLLECTED, Origin.GARBAGE_COLLECTION, Optional.empty(),
                Optional.of(blob.digest()), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalLong.of(blob.size()), Caller.anonymous(), clock.instant()));
    }

    /**
     * A change to a manifest, or to a tag pointing at {@code manifest} (for {@link Type#TAG_DELETED}, the one it
     * pointed at), made by {@code caller} or, when {@code origin} says so, by garbage collection.
     */
    void manifest(Type type, Origin origin, Caller caller, RepositoryName repo, ManifestRecord manifest,
                  Optional<Tag> tag) {
        publish(() -> new RegistryEvent(type, origin, Optional.of(repo), Optional.of(manifest.digest()), tag,
                Optional.of(manifest.manifest().mediaType()), manifest.artifactType(),
                OptionalLong.of(manifest.manifest().size()), caller, clock.instant()));
    }

    private void publish(java.util.function.Supplier<RegistryEvent> event) {
        if (listeners.isEmpty()) {
            return;
        }
        RegistryEvent e = event.get();
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
