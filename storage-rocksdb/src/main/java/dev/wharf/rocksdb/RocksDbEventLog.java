package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.api.RegistryEvent;
import dev.wharf.rocksdb.KeySchema.Root;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.PendingEvents;
import org.rocksdb.RocksIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The event outbox in the {@code events} family: each event written in the batch of the change it reports, keyed
 * by its sequence number (see {@link Database#write(org.rocksdb.WriteBatch, PendingEvents)}), and each sink's
 * cursor in {@code event_cursors}. Trimming deletes each trimmed event's key, all in one batch. Once a sink reads
 * the log, a reader that keeps up with the writers is answered from the latest events in memory
 * ({@link Database#recentEvents}), as the log holds them; one further behind reads the log.
 */
final class RocksDbEventLog implements EventLog {
    /**
     * How long a sink waits for a writer's sync before running one: a writer syncs right after it writes, so
     * one comes within a sync's time unless the change was written without one (an upload's start).
     */
    static final long SINK_PATIENCE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
    private final Database database;

    RocksDbEventLog(Database database) {
        this.database = database;
    }

    @Override
    public void appendEvents(PendingEvents pending) {
        if (pending.isEmpty()) {
            return;
        }
        database.guarded(() -> {
            try (Batch batch = database.batch()) {
                batch.record(pending);
                batch.commit();
            }
            return null;
        });
    }

    /**
     * Syncs the whole WAL: every event read so far was written before it. Only a sink waits so before it delivers
     * (the events endpoint and the collector's trim read without waiting), so its first wait also starts keeping
     * the latest events in memory for it ({@link Database#wantRecentEvents}).
     */
    @Override
    public void awaitDurable() {
        database.wantRecentEvents();
        // The events a sink reads were written by changes whose writers sync them before they answer: their sync
        // (or the one in progress) covers the events too. Waiting for it, rather than running one as soon as none
        // is in progress, keeps a sink that reads after every event from splitting the writers' group commits.
        database.syncEverythingPatiently(SINK_PATIENCE_NANOS);
    }

    @Override
    public List<RegistryEvent> events(long after, int limit) {
        return database.guarded(() -> {
            long visible = database.visibleEvents();
            if (after >= visible || limit <= 0) {
                return List.<RegistryEvent>of();
            }
            long last = visible - after <= limit ? visible : after + limit;
            Optional<List<RegistryEvent>> recent = database.recentEvents(after + 1, last);
            return recent.isPresent() ? recent.get() : readLog(after, last);
        });
    }

    /** The events numbered above {@code after} and up to {@code last} from RocksDB. Call guarded. */
    List<RegistryEvent> readLog(long after, long last) {
        List<RegistryEvent> out = new ArrayList<>((int) Math.min(Math.max(0, last - after), 1024));
        try (RocksIterator it = database.iterator(KeySchema.EVENTS)) {
            for (it.seek(KeySchema.EVENTS.key(Root.ROOT, after + 1)); it.isValid(); it.next()) {
                long sequence = KeySchema.EVENTS.child(it.key());
                if (sequence > last) {
                    break;
                }
                out.add(RecordCodec.event(it.value(), sequence));
            }
        }
        return out;
    }

    @Override
    public long lastSequence() {
        return database.guarded(database::visibleEvents);
    }

    @Override
    public long firstSequence() {
        return database.guarded(() -> {
            try (RocksIterator it = database.iterator(KeySchema.EVENTS)) {
                it.seekToFirst();
                if (it.isValid()) {
                    return KeySchema.EVENTS.child(it.key());
                }
            }
            return database.visibleEvents() + 1;
        });
    }

    @Override
    public long trimEvents(long through) {
        return database.guarded(() -> {
            // Never past what readers may see: a number still in flight is not yet in the log (nor in memory).
            long last = Math.min(through, database.visibleEvents());
            List<Long> gone = new ArrayList<>();
            try (RocksIterator it = database.iterator(KeySchema.EVENTS)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    long sequence = KeySchema.EVENTS.child(it.key());
                    if (sequence > last) {
                        break;
                    }
                    gone.add(sequence);
                }
            }
            if (gone.isEmpty()) {
                return 0L;
            }
            try (Batch batch = database.batch()) {
                for (long sequence : gone) {
                    batch.delete(KeySchema.EVENTS, Root.ROOT, sequence);
                }
                // Numbers are never reused: the highest given is kept, for when the log is empty at the next open.
                long highest;
                synchronized (database.eventOrder) {
                    highest = database.lastEvent();
                }
                batch.put(KeySchema.SETTINGS, Root.ROOT, KeySchema.LAST_EVENT_KEY, Long.toString(highest));
                batch.commit();
            }
            database.forgetRecentEvents(last);
            return (long) gone.size();
        });
    }

    @Override
    public OptionalLong cursor(String sink) {
        Optional<String> at = database.guarded(() -> database.get(KeySchema.EVENT_CURSORS, Root.ROOT, sink));
        return at.map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    @Override
    public void putCursor(String sink, long sequence) {
        database.guarded(() -> {
            try (Batch batch = database.batch()) {
                batch.put(KeySchema.EVENT_CURSORS, Root.ROOT, sink, Long.toString(sequence));
                batch.commit();
            }
            return null;
        });
    }
}
