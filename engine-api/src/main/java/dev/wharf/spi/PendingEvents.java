package dev.wharf.spi;

import dev.wharf.api.RegistryEvent;

import java.util.List;
import java.util.Objects;

/**
 * The events that report one change, handed to the store method that makes it so that a store with an
 * {@link EventLog} records them in the same atomic write. The store says what it recorded (with sequence numbers)
 * through {@link #recorded}; the engine then tells the in-process listeners exactly that. Used by one thread.
 */
public final class PendingEvents {
    private static final PendingEvents NONE = new PendingEvents(List.of());

    private List<RegistryEvent> events;
    private List<RegistryEvent> recorded;

    private PendingEvents(List<RegistryEvent> events) {
        this.events = List.copyOf(events);
    }

    /**
     * Called by a store when the change creates the repository (its first blob link or manifest): adds
     * {@code REPOSITORY_CREATED} before the change's events, with their origin, caller and time. Nothing when no
     * events are wanted.
     */
    public void repositoryCreated(dev.wharf.api.RepositoryName repository) {
        derive(RegistryEvent.Type.REPOSITORY_CREATED, repository, true);
    }

    /** Called by a store when the change leaves the repository empty: adds {@code REPOSITORY_EMPTIED} after. */
    public void repositoryEmptied(dev.wharf.api.RepositoryName repository) {
        derive(RegistryEvent.Type.REPOSITORY_EMPTIED, repository, false);
    }

    private void derive(RegistryEvent.Type type, dev.wharf.api.RepositoryName repository, boolean first) {
        if (events.isEmpty() || recorded != null) {
            return;
        }
        RegistryEvent like = events.get(0);
        RegistryEvent derived = new RegistryEvent(type, like.origin(), java.util.Optional.of(repository),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.OptionalLong.empty(), like.caller(), like.time());
        if (events.stream().anyMatch(e -> e.type() == type && e.repository().equals(derived.repository()))) {
            return; // a store that tells twice (a retried write) records it once
        }
        List<RegistryEvent> all = new java.util.ArrayList<>(events.size() + 1);
        if (first) {
            all.add(derived);
            all.addAll(events);
        } else {
            all.addAll(events);
            all.add(derived);
        }
        events = List.copyOf(all);
    }

    /** The events of one change, in the order they describe it. */
    public static PendingEvents of(List<RegistryEvent> events) {
        return events.isEmpty() ? NONE : new PendingEvents(events);
    }

    /** A change that reports nothing. */
    public static PendingEvents none() {
        return NONE;
    }

    /** The events, without sequence numbers (with the repository events the store added, if any). */
    public List<RegistryEvent> events() {
        return events;
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    /** Called by a store once the change and its events are written: the events with their sequence numbers. */
    public void recorded(List<RegistryEvent> withSequences) {
        Objects.requireNonNull(withSequences, "withSequences");
        if (withSequences.size() != events.size()) {
            throw new IllegalArgumentException("recorded " + withSequences.size() + " events of " + events.size());
        }
        if (this != NONE) {
            this.recorded = List.copyOf(withSequences);
        }
    }

    /** What happened, as recorded when the store keeps a log, else as given. */
    public List<RegistryEvent> delivered() {
        return recorded != null ? recorded : events;
    }
}
