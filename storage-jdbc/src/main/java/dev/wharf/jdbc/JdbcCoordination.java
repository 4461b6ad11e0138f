package dev.wharf.jdbc;

import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Coordination;
import dev.wharf.spi.StorageException;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * {@link Coordination} on PostgreSQL: locks are session-level advisory locks ({@code pg_advisory_lock} and its
 * shared form, on a 64-bit hash of the name), held on a connection of their own that the thread keeps while it
 * holds any lock, so that a thread's nested locks never wait for a second connection; PostgreSQL releases them if
 * the node dies. Versions are counted by the store's changes ({@code wharf_repository_versions}); leases are rows
 * whose expiry is in the database's clock.
 */
final class JdbcCoordination implements Coordination {
    /** The connection a thread holds its locks on, and how many it holds. */
    private static final class Held {
        final Connection connection;
        int count;

        Held(Connection connection) {
            this.connection = connection;
        }
    }

    private final DataSource locks;
    private final Transactions tx;
    private final ThreadLocal<Held> held = new ThreadLocal<>();

    JdbcCoordination(DataSource locks, Transactions tx) {
        this.locks = locks;
        this.tx = tx;
    }

    @Override
    public Lock lock(String name, boolean exclusive) {
        long key = key(name);
        String take = exclusive ? "SELECT pg_advisory_lock(?)" : "SELECT pg_advisory_lock_shared(?)";
        String give = exclusive ? "SELECT pg_advisory_unlock(?)" : "SELECT pg_advisory_unlock_shared(?)";
        return new Lock() {
            @Override
            public void lock() {
                Held h = held.get();
                try {
                    if (h == null) {
                        h = new Held(locks.getConnection());
                        h.connection.setAutoCommit(true);
                        held.set(h);
                    }
                    run(h.connection, take, key);
                    h.count++;
                } catch (SQLException e) {
                    release(h);
                    throw new StorageException("PostgreSQL could not lock " + name + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void unlock() {
                Held h = held.get();
                if (h == null) {
                    throw new IllegalMonitorStateException(name + " is not locked by this thread");
                }
                try {
                    run(h.connection, give, key);
                } catch (SQLException e) {
                    // The connection is closed below: PostgreSQL releases what its session held.
                    h.count = 0;
                    release(h);
                    throw new StorageException("PostgreSQL could not unlock " + name + ": " + e.getMessage(), e);
                }
                h.count--;
                release(h);
            }
        };
    }

    /** Returns the thread's connection to the pool once it holds no lock. */
    private void release(Held h) {
        if (h != null && h.count == 0) {
            held.remove();
            try {
                h.connection.close();
            } catch (SQLException e) {
                // the pool drops a connection it cannot take back
            }
        }
    }

    private static void run(Connection connection, String sql, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, key);
            statement.execute();
        }
    }

    /** FNV-1a, 64 bits, of the name: the advisory lock key (its one-key space, apart from the store's two-key locks). */
    static long key(String name) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    @Override
    public long version(RepositoryName repository) {
        Long version = tx.read("read a repository's version", t -> t.first(
                "SELECT version FROM wharf_repository_versions WHERE name = ?", row -> row.getLong(1),
                repository.value()));
        return version == null ? 0 : version;
    }

    @Override
    public boolean lease(String name, String holder, Duration term) {
        if (term.isNegative() || term.isZero()) {
            throw new IllegalArgumentException("a lease's term must be positive, not " + term);
        }
        String now = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";
        return tx.write("take lease " + name, t -> t.exists("INSERT INTO wharf_leases VALUES (?, ?, " + now + " + ?)"
                        + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires"
                        + " WHERE wharf_leases.holder = excluded.holder OR wharf_leases.expires < " + now
                        + " RETURNING holder",
                name, holder, term.toMillis()));
    }

    @Override
    public void releaseLease(String name, String holder) {
        tx.write("give up lease " + name, t -> t.update("DELETE FROM wharf_leases WHERE name = ? AND holder = ?",
                name, holder));
    }
}
