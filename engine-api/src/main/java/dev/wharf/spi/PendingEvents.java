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

    private final List<RegistryEvent> events;
    private List<RegistryEvent> recorded;

    private PendingEvents(List<RegistryEvent> events) {
        this.events = List.copyOf(events);
    }

    /** The events of one change, in the order they describe it. */
    public static PendingEvents of(List<RegistryEvent> events) {
        return events.isEmpty() ? NONE : new PendingEvents(events);
    }

    /** A change that reports nothing. */
    public static PendingEvents none() {
        return NONE;
    }

    /** The events, without sequence numbers. */
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
