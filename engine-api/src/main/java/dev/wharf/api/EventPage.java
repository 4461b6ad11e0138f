package dev.wharf.api;

import java.util.List;

/**
 * One page of the registry's event log as a caller may see it ({@link Registry#events}): the events, in sequence
 * order, and where to continue.
 *
 * @param events  the events of repositories the caller may pull, in the order the changes committed
 * @param next    the sequence number to ask after next time: the last one this page looked at, which may be past
 *                the last event shown (events the caller may not see are skipped without a trace)
 * @param hasMore true if the log holds events after {@code next} right now
 */
public record EventPage(List<RegistryEvent> events, long next, boolean hasMore) {
    public EventPage {
        events = List.copyOf(events);
        if (next < 0) {
            throw new IllegalArgumentException("next must not be negative: " + next);
        }
    }
}
