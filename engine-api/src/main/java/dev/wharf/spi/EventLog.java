package dev.wharf.spi;

import dev.wharf.api.RegistryEvent;

import java.util.List;
import java.util.OptionalLong;

/**
 * The event outbox: a metadata store's durable, ordered record of the changes it committed, for delivery to
 * sinks (webhooks, the in-process listeners, consumers polling the registry) that may be down, slow or
 * restarted. A store that has one returns it from {@link MetadataStore#eventLog()}.
 *
 * <p>Contract:
 * <ul>
 *   <li>Events given to a mutating method ({@link ManifestStore#putManifest(dev.wharf.api.RepositoryName,
 *       ManifestRecord, java.util.Collection, PendingEvents)} and the others taking {@link PendingEvents}) are
 *       recorded in the same atomic change: present exactly when the change happened, durable when it is.</li>
 *   <li>Each recorded event gets a higher sequence number than any before it, from 1, and a reader never sees a
 *       number while a smaller one may still appear: {@link #events} and {@link #lastSequence()} show a prefix
 *       of the log. Numbers follow the order in which changes were numbered; a change that fails may leave its
 *       numbers unused (a gap), and a {@link #trimEvents trimmed} prefix is gone, but a number is never reused,
 *       across restarts too.</li>
 *   <li>Each sink's cursor (the last sequence it has handled) is kept in the same store, durably.</li>
 * </ul>
 */
public interface EventLog {

    /** Records events that go with no metadata change (a blob's bytes collected), as one atomic change. */
    void appendEvents(PendingEvents events);

    /**
     * Returns once every event {@link #events} has shown so far is durable: a sink calls it before delivering
     * what it read, so that it never announces a change a crash could still take back (and whose number a later
     * event could then get). Stores that make each write durable at once need not override it.
     */
    default void awaitDurable() {
    }

    /** At most {@code limit} events with sequence numbers above {@code after}, in order. */
    List<RegistryEvent> events(long after, int limit);

    /** The highest sequence number a reader may see now (every one below it is recorded or given up); 0 at first. */
    long lastSequence();

    /** The lowest sequence number still held; {@link #lastSequence()} + 1 when the log is empty. */
    long firstSequence();

    /** Drops the events up to and including {@code through}; returns how many it dropped. */
    long trimEvents(long through);

    /** The last sequence number {@code sink} has acknowledged, if it ever did. */
    OptionalLong cursor(String sink);

    /** Records that {@code sink} has handled every event up to and including {@code sequence}. */
    void putCursor(String sink, long sequence);
}
