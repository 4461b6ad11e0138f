package dev.wharf.core;

import dev.wharf.api.Caller;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.RegistryListener;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Delivers committed changes to the listeners; a failing listener is logged and never fails the change. */
final class Events {
    private static final Logger LOG = Logger.getLogger(Events.class.getName());

    private final List<RegistryListener> listeners;
    private final Clock clock;

    Events(List<RegistryListener> listeners, Clock clock) {
        this.listeners = listeners;
        this.clock = clock;
    }

    void publish(RegistryEvent.Type type, RepositoryName repo, Optional<Digest> digest, Optional<Tag> tag,
                 Caller caller) {
        if (listeners.isEmpty()) {
            return;
        }
        RegistryEvent event = new RegistryEvent(type, repo, digest, tag, caller, clock.instant());
        for (RegistryListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "registry listener failed on " + type + " in " + repo, e);
            }
        }
    }
}
