package dev.wharf.rocksdb;

import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.UsageTally;
import dev.wharf.rocksdb.KeySchema.Marker;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One logical change: typed puts and deletes collected in a RocksDB {@link WriteBatch} and written at once by
 * {@link #commit()}, so the change is all there or not at all. Made by {@link Database#batch()} inside a
 * guarded call and closed (try-with-resources) before that call ends; a change that spans roles (a manifest
 * push moves tags and adds a referrer) passes its batch to each role that adds to it.
 */
final class Batch implements AutoCloseable {
    private final Database database;
    private final WriteBatch batch = new WriteBatch();
    private PendingEvents events;
    private UsageTally tally;
    private boolean tallied;

    Batch(Database database) {
        this.database = database;
    }

    <P, C, V> void put(Column<P, C, V> column, P parent, C child, V value) throws RocksDBException {
        batch.put(database.handle(column.family()), column.key(parent, child), column.encode(value));
    }

    /** Puts a key whose presence is the fact. */
    <P, C> void put(Column<P, C, Marker> column, P parent, C child) throws RocksDBException {
        put(column, parent, child, Marker.PRESENT);
    }

    <P, C, V> void delete(Column<P, C, V> column, P parent, C child) throws RocksDBException {
        batch.delete(database.handle(column.family()), column.key(parent, child));
    }

    /** Records {@code pending} in the event outbox with this change ({@link Database#write(WriteBatch, PendingEvents)}). */
    void record(PendingEvents pending) {
        this.events = pending;
    }

    /**
     * The usage tally of this change, which is to {@code repository}; null when no quota policy is counted. The
     * change's roles report to it what the change does to usage; {@link #commit} applies it.
     */
    UsageTally usage(dev.wharf.api.RepositoryName repository) {
        if (!tallied) {
            tallied = true;
            tally = database.usageLedger().tally(repository);
        }
        return tally;
    }

    /**
     * Whether this change carries events or counts usage (only then are repository creations and emptyings
     * worth looking for).
     */
    boolean reportsRepositoryChanges() {
        return events != null && !events.isEmpty() || tally != null;
    }

    /** Notes, for the change's events and usage, that it creates {@code repository}. */
    void repositoryCreated(dev.wharf.api.RepositoryName repository) {
        if (events != null) {
            events.repositoryCreated(repository);
        }
        if (tally != null) {
            tally.repositoryCreated();
        }
    }

    /** Notes, for the change's events and usage, that it leaves {@code repository} empty. */
    void repositoryEmptied(dev.wharf.api.RepositoryName repository) {
        if (events != null) {
            events.repositoryEmptied(repository);
        }
        if (tally != null) {
            tally.repositoryEmptied();
        }
    }

    /**
     * Writes the change atomically, with its events if it has any and its usage counts if it counts any
     * (refused with a {@link dev.wharf.spi.QuotaExceededException}, writing nothing, if they cross a limit).
     */
    void commit() throws RocksDBException {
        if (tally == null || tally.isEmpty()) {
            database.write(batch, events);
        } else {
            database.usageLedger().commit(this, tally, () -> {
                database.write(batch, events);
                return null;
            });
        }
    }

    @Override
    public void close() {
        batch.close();
    }
}
