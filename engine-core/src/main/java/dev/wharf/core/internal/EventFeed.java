package dev.wharf.core.internal;

import dev.wharf.api.Caller;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.EventPage;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryException;
import dev.wharf.spi.EventLog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The event log as callers read it ({@link dev.wharf.api.Registry#events}) and as garbage collection trims it.
 * Reading is filtered by access: an event shows only if the caller may pull its repository (what its token grants
 * included), and a page looks at a bounded number of events so that hidden ones cost a caller no more than a
 * short page.
 */
public final class EventFeed {
    /** Events a page looks at for each one it may show, at most. */
    private static final int SCAN_FACTOR = 10;
    private static final int READ_BATCH = 256;

    private final Optional<EventLog> log;
    private final Access access;

    public EventFeed(Optional<EventLog> log, Access access) {
        this.log = log;
        this.access = access;
    }

    /** See {@link dev.wharf.api.Registry#events}. */
    public EventPage page(Caller caller, long after, int limit) {
        EventLog events = log.orElseThrow(() -> new RegistryException(ErrorCode.UNSUPPORTED,
                "this registry's metadata store keeps no event log"));
        if (after < 0) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "events are numbered from 1; 'after' "
                    + "must be 0 or more, was " + after);
        }
        if (limit <= 0) {
            return new EventPage(List.of(), after, events.lastSequence() > after);
        }
        long budget = (long) limit * SCAN_FACTOR;
        List<RegistryEvent> shown = new ArrayList<>(Math.min(limit, 1024));
        long next = after;
        long scanned = 0;
        reading:
        while (scanned < budget) {
            List<RegistryEvent> batch = events.events(next, (int) Math.min(READ_BATCH, budget - scanned));
            if (batch.isEmpty()) {
                break;
            }
            for (RegistryEvent e : batch) {
                scanned++;
                next = e.sequence();
                if (e.repository().isPresent() && access.mayDrawFrom(caller, e.repository().get())) {
                    shown.add(e);
                    if (shown.size() == limit) {
                        break reading;
                    }
                }
            }
        }
        return new EventPage(shown, next, events.lastSequence() > next);
    }

    /** Drops the events recorded before {@code cutoff}; returns how many. */
    public long trim(Instant cutoff) {
        if (log.isEmpty()) {
            return 0;
        }
        EventLog events = log.get();
        long through = 0;
        long after = 0;
        while (true) {
            List<RegistryEvent> batch = events.events(after, READ_BATCH);
            if (batch.isEmpty()) {
                break;
            }
            for (RegistryEvent e : batch) {
                if (!e.time().isBefore(cutoff)) {
                    return through == 0 ? 0 : events.trimEvents(through);
                }
                through = e.sequence();
            }
            after = batch.get(batch.size() - 1).sequence();
        }
        return through == 0 ? 0 : events.trimEvents(through);
    }
}
