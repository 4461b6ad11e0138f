package dev.wharf.jdbc;

import dev.wharf.spi.StorageException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs units of work in transactions on a {@link DataSource}: each write is one transaction, committed before it
 * returns (so durable when PostgreSQL's commit is); a transaction PostgreSQL aborts for a serialization failure or
 * a deadlock is run again, a few times; other {@link SQLException}s become {@link StorageException}s, and any other
 * exception of the work (a refused quota, a bad argument) rolls it back and propagates unchanged.
 */
final class Transactions {
    private static final int ATTEMPTS = 5;

    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** The transaction a unit of work runs in: its connection, and what to do once it has committed. */
    static final class Tx {
        final Connection connection;
        private final List<Runnable> afterCommit = new ArrayList<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        /** Runs {@code action} once the transaction has committed (never if it rolls back). */
        void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(sql);
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement;
        }

        /** Runs an update; returns how many rows it changed. */
        int update(String sql, Object... parameters) throws SQLException {
            try (PreparedStatement statement = prepare(sql, parameters)) {
                return statement.executeUpdate();
            }
        }

        /** Whether the query yields a row. */
        boolean exists(String sql, Object... parameters) throws SQLException {
            try (PreparedStatement statement = prepare(sql, parameters); ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }

        /** Every row of the query, mapped. */
        <R> List<R> list(String sql, RowMapper<R> mapper, Object... parameters) throws SQLException {
            try (PreparedStatement statement = prepare(sql, parameters); ResultSet rows = statement.executeQuery()) {
                List<R> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(mapper.map(rows));
                }
                return out;
            }
        }

        /** The first row of the query, mapped, or null. */
        <R> R first(String sql, RowMapper<R> mapper, Object... parameters) throws SQLException {
            try (PreparedStatement statement = prepare(sql, parameters); ResultSet rows = statement.executeQuery()) {
                return rows.next() ? mapper.map(rows) : null;
            }
        }

        /**
         * Takes a lock held until the transaction ends, in the namespace {@code space}, on every node sharing the
         * database: PostgreSQL's transaction-level advisory locks.
         */
        void lock(int space, int key) throws SQLException {
            try (PreparedStatement statement = prepare("SELECT pg_advisory_xact_lock(?, ?)", space, key);
                 ResultSet ignored = statement.executeQuery()) {
                // held until commit or rollback
            }
        }
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<R> {
        R map(ResultSet row) throws SQLException;
    }

    /** Carries an {@link SQLException} through code that cannot throw it (the usage tally's view). */
    static final class UncheckedSql extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedSql(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private final DataSource source;

    Transactions(DataSource source) {
        this.source = source;
    }

    /** Runs {@code work} in one transaction and commits it. */
    <T> T write(String what, Work<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection connection = source.getConnection()) {
                connection.setAutoCommit(false);
                Tx tx = new Tx(connection);
                T result;
                try {
                    result = work.run(tx);
                    connection.commit();
                } catch (UncheckedSql e) {
                    rollback(connection, e);
                    throw e.getCause();
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(connection, e);
                    throw e;
                }
                tx.afterCommit.forEach(Runnable::run);
                return result;
            } catch (SQLException e) {
                if (!retryable(e)) {
                    throw new StorageException("PostgreSQL could not " + what + ": " + e.getMessage(), e);
                }
                last = e;
            }
        }
        throw new StorageException("PostgreSQL could not " + what + " after " + ATTEMPTS + " attempts: "
                + last.getMessage(), last);
    }

    /** Runs {@code work} on one connection without a transaction of its own (one consistent statement). */
    <T> T read(String what, Work<T> work) {
        try (Connection connection = source.getConnection()) {
            connection.setAutoCommit(true);
            return work.run(new Tx(connection));
        } catch (UncheckedSql e) {
            throw new StorageException("PostgreSQL could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (SQLException e) {
            throw new StorageException("PostgreSQL could not " + what + ": " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** Serialization failures (40001) and deadlocks (40P01): PostgreSQL asks for the transaction again. */
    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
