package dev.wharf.jdbc;

import dev.wharf.spi.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The store's tables, created and migrated by the store itself: a table {@code wharf_schema} holds the version,
 * and each migration ({@code V<n>__*.sql} beside this class) runs once, in order, in one transaction with the
 * version's update. Nodes starting together take turns (an advisory lock), so each migration runs once. A database
 * whose version is newer than this Wharf knows is refused: an older node must not write a schema it does not know.
 */
final class Schema {
    /** The migrations, in order; the schema's version is how many have run. */
    static final List<String> MIGRATIONS = List.of("V1__metadata.sql", "V2__coordination.sql");
    /** The advisory lock namespace of migrations. */
    private static final int MIGRATION_LOCK = 0x57480001;

    private Schema() {
    }

    /** Brings the database to {@link #MIGRATIONS}' version; returns the version it found. */
    static int migrate(Transactions transactions) {
        return transactions.write("migrate the Wharf schema", tx -> {
            tx.lock(MIGRATION_LOCK, 0);
            tx.update("CREATE TABLE IF NOT EXISTS wharf_schema (id INT PRIMARY KEY, version INT NOT NULL)");
            tx.update("INSERT INTO wharf_schema VALUES (1, 0) ON CONFLICT (id) DO NOTHING");
            int found = tx.first("SELECT version FROM wharf_schema WHERE id = 1", row -> row.getInt(1));
            if (found > MIGRATIONS.size()) {
                throw new StorageException("the database holds Wharf schema version " + found
                        + ", newer than this Wharf's " + MIGRATIONS.size() + ": run a Wharf at least as new as the"
                        + " one that migrated it");
            }
            for (int i = found; i < MIGRATIONS.size(); i++) {
                for (String statement : statements(MIGRATIONS.get(i))) {
                    tx.update(statement);
                }
            }
            tx.update("UPDATE wharf_schema SET version = ? WHERE id = 1", MIGRATIONS.size());
            return found;
        });
    }

    /** The statements of a migration file: separated by {@code ;} at line ends, comments dropped. */
    private static List<String> statements(String name) {
        String text;
        try (InputStream in = Schema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new StorageException("migration " + name + " is missing from the storage-jdbc jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("cannot read migration " + name, e);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.stripLeading().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sql.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
    }
}
