package dev.wharf.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.api.Usage;
import dev.wharf.jdbc.Transactions.Tx;
import dev.wharf.jdbc.Transactions.UncheckedSql;
import dev.wharf.spi.Coordination;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.QuotaPolicy;
import dev.wharf.spi.RecordCodec;
import dev.wharf.spi.SearchIndex;
import dev.wharf.spi.StorageException;
import dev.wharf.spi.UploadRecord;
import dev.wharf.spi.UsageLedger;
import dev.wharf.spi.UsageRef;
import dev.wharf.spi.UsageTally;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;

/**
 * A {@link MetadataStore} on PostgreSQL, for registries whose metadata several Wharf nodes share (with their blobs
 * in shared object storage). Every role is here, the event outbox, usage counts and search index included.
 *
 * <p>How it keeps the contract across nodes:
 * <ul>
 *   <li>Each mutating method is one transaction, committed before it returns: durable when PostgreSQL's commit
 *       is, so {@link #sync()} has nothing to wait for.</li>
 *   <li>A change to a repository first takes that repository's advisory lock (held until commit), on every node:
 *       the tag compare-and-set of {@link #putManifest}, the reads a change makes to write itself (is the
 *       repository new, is it left empty, a tag's old entry) and its writes are one step. A change counted for
 *       quotas also takes the usage lock, so that no two counted changes cross a limit together.</li>
 *   <li>Events are numbered by a counter row updated in the same transaction: its row lock orders committing
 *       changes, so numbers follow commit order and a reader never sees a number while a smaller one may still
 *       appear.</li>
 *   <li>Listings are keyset queries on indexes in ASCII order ({@code COLLATE "C"}): a page costs its size.</li>
 * </ul>
 *
 * <p>Open one with {@link #open(String)} (a JDBC URL, pooled by HikariCP) or over your own pool with
 * {@link #over(DataSource)}. The schema is created and migrated at open ({@code V1__metadata.sql},
 * {@code V2__coordination.sql}). Its {@link #coordination()} gives the engine locks, repository versions and
 * leases that hold across nodes.
 */
public final class JdbcMetadataStore implements MetadataStore {
    /** Advisory lock namespaces (the first key of {@code pg_advisory_xact_lock(int, int)}). */
    private static final int REPOSITORY_LOCK = 0x57480002;
    private static final int USAGE_LOCK = 0x57480003;
    /** Rows per page when a visitor walks a whole table. */
    private static final int WALK_PAGE = 500;
    /** Connections of the pool cross-node locks are held on: threads holding locks at once, at most. */
    private static final int LOCK_CONNECTIONS = 32;

    private final Transactions tx;
    private final HikariDataSource ownedPool;
    private final HikariDataSource ownedLockPool;
    private final Coordination coordination;
    private final EventLog log = new Log();
    private final UsageLedger ledger = new Ledger();
    private final SearchIndex search = this::searchEntries;
    private volatile QuotaPolicy countedPolicy;
    private volatile boolean closed;

    private JdbcMetadataStore(DataSource source, HikariDataSource ownedPool, DataSource lockSource,
                              HikariDataSource ownedLockPool) {
        this.tx = new Transactions(source);
        this.ownedPool = ownedPool;
        this.ownedLockPool = ownedLockPool;
        this.coordination = new JdbcCoordination(lockSource, tx);
    }

    /**
     * Opens the store at a PostgreSQL JDBC URL ({@code jdbc:postgresql://HOST:PORT/DB?user=…&password=…}) with a
     * pool of {@code maxConnections}, creating or migrating the schema.
     *
     * @throws StorageException naming the database when it cannot be reached or its schema is too new
     */
    public static JdbcMetadataStore open(String jdbcUrl, int maxConnections) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("'" + redacted(jdbcUrl) + "' is not a PostgreSQL JDBC URL"
                    + " (jdbc:postgresql://HOST:PORT/DB?user=…&password=…)");
        }
        HikariDataSource pool = pool(jdbcUrl, "wharf-metadata", maxConnections);
        HikariDataSource locks = null;
        try {
            // Cross-node locks hold a connection each while a thread holds any: a pool of their own, so that a
            // thread holding locks never waits for a connection the store's changes need.
            locks = pool(jdbcUrl, "wharf-locks", LOCK_CONNECTIONS);
            JdbcMetadataStore store = new JdbcMetadataStore(pool, pool, locks, locks);
            Schema.migrate(store.tx);
            return store;
        } catch (RuntimeException e) {
            pool.close();
            if (locks != null) {
                locks.close();
            }
            throw e;
        }
    }

    private static HikariDataSource pool(String jdbcUrl, String name, int maxConnections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(Math.min(2, maxConnections));
        config.setPoolName(name);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException("cannot connect to " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    /** {@link #open(String, int)} with a pool of 16 connections. */
    public static JdbcMetadataStore open(String jdbcUrl) {
        return open(jdbcUrl, 16);
    }

    /**
     * A store over a pool the caller owns ({@link #close()} leaves it open), creating or migrating the schema. The
     * pool's connections must reach PostgreSQL. Cross-node locks ({@link #coordination()}) take connections from
     * the same pool, one per thread holding locks: size it for both.
     */
    public static JdbcMetadataStore over(DataSource source) {
        Objects.requireNonNull(source, "source");
        JdbcMetadataStore store = new JdbcMetadataStore(source, null, source, null);
        Schema.migrate(store.tx);
        return store;
    }

    /** The URL without its password, for messages. */
    static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    // --- repositories and links -------------------------------------------------------------------------------

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return read("look up a repository", t -> t.exists("SELECT 1 FROM wharf_repositories WHERE name = ?",
                repository.value()));
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return read("list repositories", t -> page(t.list(
                "SELECT name FROM wharf_repositories WHERE name > ? ORDER BY name LIMIT ?",
                row -> RepositoryName.of(row.getString(1)), after.orElse(""), limit + 1), limit));
    }

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        return read("look up a link", t -> t.exists("SELECT 1 FROM wharf_links WHERE repository = ? AND digest = ?",
                repository.value(), digest.toString()));
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents pending) {
        write("link a blob", t -> {
            lockRepository(t, repository);
            boolean existed = exists(t, repository);
            boolean linked = existed && t.exists("SELECT 1 FROM wharf_links WHERE repository = ? AND digest = ?",
                    repository.value(), digest.toString());
            UsageTally tally = linked ? null : tally(t, repository);
            if (tally != null) {
                tally.linked(digest, size);
            }
            adding(t, repository, existed, tally, pending);
            if (!linked) {
                t.update("INSERT INTO wharf_links VALUES (?, ?)", repository.value(), digest.toString());
            }
            log(t, pending);
            return null;
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents pending) {
        return write("unlink a blob", t -> {
            lockRepository(t, repository);
            if (t.update("DELETE FROM wharf_links WHERE repository = ? AND digest = ?", repository.value(),
                    digest.toString()) == 0) {
                return false;
            }
            UsageTally tally = tally(t, repository);
            if (tally != null) {
                tally.unlinked(digest);
            }
            removed(t, repository, tally, pending);
            return true;
        });
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return read("list repositories linking a blob", t -> page(t.list(
                "SELECT repository FROM wharf_links WHERE digest = ? AND repository > ? ORDER BY repository LIMIT ?",
                row -> RepositoryName.of(row.getString(1)), digest.toString(), after.map(RepositoryName::value).orElse(""),
                limit + 1), limit));
    }

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        walk("walk the links", "SELECT repository, digest FROM wharf_links", row -> Map.entry(row.getString(1),
                row.getString(2)), link -> link.getValue(), link -> visitor.accept(RepositoryName.of(link.getKey()),
                Digest.parse(link.getValue())));
    }

    /**
     * Visits every row of a table keyed by (repository, digest), a page at a time: each page is its own query, so
     * no connection or transaction is held while the visitor runs (it may call back into the store).
     *
     * @param select the query up to its WHERE clause, yielding the repository first
     * @param digest the digest of a mapped row, where the next page starts
     */
    private <R extends Map.Entry<String, ?>> void walk(String what, String select, Transactions.RowMapper<R> mapper,
                                                       java.util.function.Function<R, String> digest,
                                                       java.util.function.Consumer<R> visitor) {
        String repository = "";
        String after = "";
        while (true) {
            String fromRepository = repository;
            String fromDigest = after;
            List<R> rows = read(what, t -> t.list(select + " WHERE (repository, digest) > (?, ?)"
                    + " ORDER BY repository, digest LIMIT ?", mapper, fromRepository, fromDigest, WALK_PAGE));
            rows.forEach(visitor);
            if (rows.size() < WALK_PAGE) {
                return;
            }
            repository = rows.get(rows.size() - 1).getKey();
            after = digest.apply(rows.get(rows.size() - 1));
        }
    }

    // --- manifests ------------------------------------------------------------------------------------------

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return Optional.ofNullable(read("read a manifest", t -> t.first(
                "SELECT record FROM wharf_manifests WHERE repository = ? AND digest = ?",
                row -> RecordCodec.manifest(row.getBytes(1)), repository.value(), digest.toString())));
    }

    @Override
    public Optional<dev.wharf.api.Manifest> manifestContent(RepositoryName repository, Digest digest) {
        return Optional.ofNullable(read("read a manifest", t -> t.first(
                "SELECT record FROM wharf_manifests WHERE repository = ? AND digest = ?",
                row -> RecordCodec.manifestContent(row.getBytes(1)), repository.value(), digest.toString())));
    }

    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                               PendingEvents pending) {
        return write("store a manifest", t -> {
            lockRepository(t, repository);
            boolean existed = exists(t, repository);
            for (TagMove move : moves) {
                Optional<Digest> current = Optional.ofNullable(t.first(
                        "SELECT digest FROM wharf_tags WHERE repository = ? AND tag = ?",
                        row -> Digest.parse(row.getString(1)), repository.value(), move.tag().value()));
                if (!move.from().equals(current)) {
                    return false; // moved by another push since the engine read it
                }
            }
            String digest = manifest.digest().toString();
            UsageTally tally = tally(t, repository);
            if (tally != null) {
                if (!existed || !t.exists("SELECT 1 FROM wharf_manifests WHERE repository = ? AND digest = ?",
                        repository.value(), digest)) {
                    tally.manifestAdded(manifest.digest(), manifest.manifest().size());
                }
                tally.tagsAdded((int) moves.stream().filter(m -> m.from().isEmpty()).count());
            }
            adding(t, repository, existed, tally, pending);
            t.update("INSERT INTO wharf_manifests VALUES (?, ?, ?) ON CONFLICT (repository, digest)"
                    + " DO UPDATE SET record = excluded.record", repository.value(), digest, RecordCodec.manifest(manifest));
            for (TagMove move : moves) {
                t.update("INSERT INTO wharf_tags VALUES (?, ?, ?) ON CONFLICT (repository, tag)"
                        + " DO UPDATE SET digest = excluded.digest", repository.value(), move.tag().value(), digest);
                if (!move.isChange()) {
                    pushedAgain(t, repository, move.tag(), manifest);
                } else {
                    history(t, repository, move);
                    SearchIndex.Entry entry = SearchIndex.Entry.of(repository, move.tag(), manifest, move.at());
                    t.update("INSERT INTO wharf_search VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repository, tag) DO UPDATE"
                                    + " SET digest = excluded.digest, pushed_at = excluded.pushed_at,"
                                    + " updated_at = excluded.updated_at, entry = excluded.entry",
                            repository.value(), move.tag().value(), digest, entry.pushedAt().toEpochMilli(),
                            entry.updatedAt().toEpochMilli(), RecordCodec.searchEntry(entry));
                }
            }
            if (manifest.subject().isPresent()) {
                t.update("INSERT INTO wharf_referrers VALUES (?, ?, ?, ?) ON CONFLICT (repository, subject, digest)"
                                + " DO UPDATE SET descriptor = excluded.descriptor", repository.value(),
                        manifest.subject().get().toString(), digest, RecordCodec.descriptor(manifest.referrerDescriptor()));
            }
            log(t, pending);
            return true;
        });
    }

    /**
     * The tag was pushed again as the manifest it points at: its search entry takes the push time. The push time
     * read back is the column's ({@link #searchEntries}), so the entry's bytes need not be rewritten.
     */
    private static void pushedAgain(Tx t, RepositoryName repository, Tag tag, ManifestRecord manifest)
            throws SQLException {
        long pushedAt = manifest.pushedAt().toEpochMilli();
        t.update("UPDATE wharf_search SET pushed_at = ? WHERE repository = ? AND tag = ? AND pushed_at <> ?",
                pushedAt, repository.value(), tag.value(), pushedAt);
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents pending) {
        return write("delete a manifest", t -> {
            lockRepository(t, repository);
            ManifestRecord removed = t.first("SELECT record FROM wharf_manifests WHERE repository = ? AND digest = ?",
                    row -> RecordCodec.manifest(row.getBytes(1)), repository.value(), digest.toString());
            if (removed == null) {
                return false;
            }
            List<String> tags = t.list("SELECT tag FROM wharf_tags WHERE repository = ? AND digest = ? ORDER BY tag",
                    row -> row.getString(1), repository.value(), digest.toString());
            for (String tag : tags) {
                t.update("DELETE FROM wharf_tags WHERE repository = ? AND tag = ?", repository.value(), tag);
                t.update("DELETE FROM wharf_search WHERE repository = ? AND tag = ?", repository.value(), tag);
                history(t, repository, new TagMove(Tag.of(tag), Optional.of(digest), Optional.empty(), at));
            }
            t.update("DELETE FROM wharf_manifests WHERE repository = ? AND digest = ?", repository.value(),
                    digest.toString());
            if (removed.subject().isPresent()) {
                t.update("DELETE FROM wharf_referrers WHERE repository = ? AND subject = ? AND digest = ?",
                        repository.value(), removed.subject().get().toString(), digest.toString());
            }
            UsageTally tally = tally(t, repository);
            if (tally != null) {
                tally.manifestRemoved(digest).tagsRemoved(tags.size());
            }
            removed(t, repository, tally, pending);
            return true;
        });
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return read("list referrers", t -> page(t.list(
                "SELECT descriptor FROM wharf_referrers WHERE repository = ? AND subject = ? AND digest > ?"
                        + " ORDER BY digest LIMIT ?",
                row -> RecordCodec.descriptor(row.getBytes(1)), repository.value(), subject.toString(),
                after.map(Digest::toString).orElse(""), limit + 1), limit));
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        walk("walk the manifests", "SELECT repository, record FROM wharf_manifests",
                row -> Map.entry(row.getString(1), RecordCodec.manifest(row.getBytes(2))),
                manifest -> manifest.getValue().digest().toString(),
                manifest -> visitor.accept(RepositoryName.of(manifest.getKey()), manifest.getValue()));
    }

    // --- tags -----------------------------------------------------------------------------------------------

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return Optional.ofNullable(read("resolve a tag", t -> t.first(
                "SELECT digest FROM wharf_tags WHERE repository = ? AND tag = ?", row -> Digest.parse(row.getString(1)),
                repository.value(), tag.value())));
    }

    /** One query where the default takes two: the pull-by-tag hot path, a round trip each. */
    @Override
    public Optional<dev.wharf.api.Manifest> taggedManifestContent(RepositoryName repository, Tag tag) {
        return Optional.ofNullable(read("read a tagged manifest", t -> t.first(
                "SELECT m.record FROM wharf_tags t JOIN wharf_manifests m"
                        + " ON m.repository = t.repository AND m.digest = t.digest"
                        + " WHERE t.repository = ? AND t.tag = ?",
                row -> RecordCodec.manifestContent(row.getBytes(1)), repository.value(), tag.value())));
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return read("list tags", t -> page(t.list(
                "SELECT tag FROM wharf_tags WHERE repository = ? AND tag > ? ORDER BY tag LIMIT ?",
                row -> Tag.of(row.getString(1)), repository.value(), after.orElse(""), limit + 1), limit));
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents pending) {
        return write("delete a tag", t -> {
            lockRepository(t, repository);
            Digest removed = t.first("DELETE FROM wharf_tags WHERE repository = ? AND tag = ? RETURNING digest",
                    row -> Digest.parse(row.getString(1)), repository.value(), tag.value());
            if (removed == null) {
                return false;
            }
            history(t, repository, new TagMove(tag, Optional.of(removed), Optional.empty(), at));
            t.update("DELETE FROM wharf_search WHERE repository = ? AND tag = ?", repository.value(), tag.value());
            UsageTally tally = tally(t, repository);
            if (tally != null) {
                apply(t, tally.tagsRemoved(1));
            }
            log(t, pending);
            return true;
        });
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return read("list a manifest's tags", t -> t.list(
                "SELECT tag FROM wharf_tags WHERE repository = ? AND digest = ? ORDER BY tag LIMIT ?",
                row -> Tag.of(row.getString(1)), repository.value(), digest.toString(), limit));
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return read("read a tag's history", t -> t.list(
                "SELECT move FROM wharf_tag_history WHERE repository = ? AND tag = ? ORDER BY n DESC LIMIT ?",
                row -> RecordCodec.tagMove(row.getBytes(1)), repository.value(), tag.value(), TAG_HISTORY_LIMIT));
    }

    /** Records a move in the tag's history, keeping the newest {@link #TAG_HISTORY_LIMIT}. */
    private static void history(Tx t, RepositoryName repository, TagMove move) throws SQLException {
        if (!move.isChange()) {
            return;
        }
        t.update("INSERT INTO wharf_tag_history (repository, tag, move) VALUES (?, ?, ?)", repository.value(),
                move.tag().value(), RecordCodec.tagMove(move));
        t.update("DELETE FROM wharf_tag_history WHERE repository = ? AND tag = ? AND n <= (SELECT n FROM"
                        + " wharf_tag_history WHERE repository = ? AND tag = ? ORDER BY n DESC OFFSET ? LIMIT 1)",
                repository.value(), move.tag().value(), repository.value(), move.tag().value(), TAG_HISTORY_LIMIT);
    }

    // --- upload sessions --------------------------------------------------------------------------------------

    @Override
    public void putUpload(UploadRecord upload) {
        write("store an upload session", t -> t.update("INSERT INTO wharf_uploads VALUES (?, ?) ON CONFLICT (id)"
                + " DO UPDATE SET record = excluded.record", upload.id(), RecordCodec.upload(upload)));
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return Optional.ofNullable(read("read an upload session", t -> t.first(
                "SELECT record FROM wharf_uploads WHERE id = ?", row -> RecordCodec.upload(row.getBytes(1)), id)));
    }

    @Override
    public boolean deleteUpload(String id) {
        return write("delete an upload session", t -> t.update("DELETE FROM wharf_uploads WHERE id = ?", id) > 0);
    }

    @Override
    public List<UploadRecord> uploads() {
        return read("list upload sessions", t -> t.list("SELECT record FROM wharf_uploads ORDER BY id",
                row -> RecordCodec.upload(row.getBytes(1))));
    }

    // --- the event outbox -------------------------------------------------------------------------------------

    @Override
    public Optional<EventLog> eventLog() {
        return Optional.of(log);
    }

    /**
     * Records the events of the change being written, numbered by the counter row (whose lock, held to the commit,
     * orders the committing changes), and tells them their numbers once the change has committed.
     */
    private static void log(Tx t, PendingEvents pending) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        List<RegistryEvent> events = pending.events();
        long last = t.first("UPDATE wharf_event_counter SET last_sequence = last_sequence + ? WHERE id = 1"
                + " RETURNING last_sequence", row -> row.getLong(1), (long) events.size());
        List<RegistryEvent> recorded = new ArrayList<>(events.size());
        long sequence = last - events.size();
        for (RegistryEvent event : events) {
            RegistryEvent numbered = event.withSequence(++sequence);
            t.update("INSERT INTO wharf_events VALUES (?, ?)", numbered.sequence(), RecordCodec.event(numbered));
            recorded.add(numbered);
        }
        t.afterCommit(() -> pending.recorded(recorded));
    }

    /** The event log over the same database. */
    private final class Log implements EventLog {
        @Override
        public void appendEvents(PendingEvents events) {
            write("record events", t -> {
                log(t, events);
                return null;
            });
        }

        @Override
        public List<RegistryEvent> events(long after, int limit) {
            return read("read events", t -> t.list(
                    "SELECT sequence, event FROM wharf_events WHERE sequence > ? AND sequence <= (SELECT last_sequence"
                            + " FROM wharf_event_counter WHERE id = 1) ORDER BY sequence LIMIT ?",
                    row -> RecordCodec.event(row.getBytes(2), row.getLong(1)), after, limit));
        }

        @Override
        public long lastSequence() {
            return read("read the last event's number", t -> t.first(
                    "SELECT last_sequence FROM wharf_event_counter WHERE id = 1", row -> row.getLong(1)));
        }

        @Override
        public long firstSequence() {
            return read("read the first event's number", t -> t.first(
                    "SELECT COALESCE((SELECT MIN(sequence) FROM wharf_events),"
                            + " (SELECT last_sequence + 1 FROM wharf_event_counter WHERE id = 1))",
                    row -> row.getLong(1)));
        }

        @Override
        public long trimEvents(long through) {
            return write("trim events", t -> (long) t.update("DELETE FROM wharf_events WHERE sequence <= ?", through));
        }

        @Override
        public OptionalLong cursor(String sink) {
            Long at = read("read a sink's cursor", t -> t.first(
                    "SELECT sequence FROM wharf_event_cursors WHERE sink = ?", row -> row.getLong(1), sink));
            return at == null ? OptionalLong.empty() : OptionalLong.of(at);
        }

        @Override
        public void putCursor(String sink, long sequence) {
            write("store a sink's cursor", t -> t.update("INSERT INTO wharf_event_cursors VALUES (?, ?)"
                    + " ON CONFLICT (sink) DO UPDATE SET sequence = excluded.sequence", sink, sequence));
        }
    }

    // --- usage counts -----------------------------------------------------------------------------------------

    @Override
    public Optional<UsageLedger> usageLedger() {
        return Optional.of(ledger);
    }

    /**
     * A tally for a change to {@code repository}, or null when no quota policy is counted; with one, the usage
     * lock is taken so that counted changes apply one at a time across nodes.
     */
    private UsageTally tally(Tx t, RepositoryName repository) throws SQLException {
        QuotaPolicy policy = countedPolicy;
        if (policy == null) {
            return null;
        }
        UsageTally tally = new UsageTally(policy, repository);
        t.lock(USAGE_LOCK, 0);
        return tally;
    }

    /** Applies a tally to the usage rows, in the change's transaction (refusing it if it crosses a limit). */
    private static void apply(Tx t, UsageTally tally) {
        tally.apply(new UsageTally.View() {
            @Override
            public Usage usage(String scope) {
                try {
                    Usage usage = t.first("SELECT bytes, manifests, tags, repositories FROM wharf_usage WHERE scope = ?",
                            row -> new Usage(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4)), scope);
                    return usage == null ? Usage.ZERO : usage;
                } catch (SQLException e) {
                    throw new UncheckedSql(e);
                }
            }

            @Override
            public Optional<UsageRef> reference(String scope, Digest digest) {
                try {
                    return Optional.ofNullable(t.first("SELECT count, size FROM wharf_usage_refs WHERE scope = ?"
                            + " AND digest = ?", row -> new UsageRef(row.getLong(1), row.getLong(2)), scope,
                            digest.toString()));
                } catch (SQLException e) {
                    throw new UncheckedSql(e);
                }
            }

            @Override
            public void putUsage(String scope, Usage usage) {
                try {
                    putUsageRow(t, scope, usage);
                } catch (SQLException e) {
                    throw new UncheckedSql(e);
                }
            }

            @Override
            public void putReference(String scope, Digest digest, UsageRef reference) {
                try {
                    putReferenceRow(t, scope, digest, reference);
                } catch (SQLException e) {
                    throw new UncheckedSql(e);
                }
            }
        });
    }

    private static void putUsageRow(Tx t, String scope, Usage usage) throws SQLException {
        if (usage.isZero()) {
            t.update("DELETE FROM wharf_usage WHERE scope = ?", scope);
        } else {
            t.update("INSERT INTO wharf_usage VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET"
                            + " bytes = excluded.bytes, manifests = excluded.manifests, tags = excluded.tags,"
                            + " repositories = excluded.repositories", scope, usage.bytes(), usage.manifests(),
                    usage.tags(), usage.repositories());
        }
    }

    private static void putReferenceRow(Tx t, String scope, Digest digest, UsageRef reference) throws SQLException {
        if (reference == null) {
            t.update("DELETE FROM wharf_usage_refs WHERE scope = ? AND digest = ?", scope, digest.toString());
        } else {
            t.update("INSERT INTO wharf_usage_refs VALUES (?, ?, ?, ?) ON CONFLICT (scope, digest) DO UPDATE SET"
                            + " count = excluded.count, size = excluded.size", scope, digest.toString(),
                    reference.count(), reference.size());
        }
    }

    /** The usage counts over the same database. */
    private final class Ledger implements UsageLedger {
        @Override
        public String countingKey() {
            return read("read the counting key", t -> t.first("SELECT counting_key FROM wharf_usage_key WHERE id = 1",
                    row -> row.getString(1)));
        }

        @Override
        public void count(Optional<QuotaPolicy> policy) {
            countedPolicy = policy.orElse(null);
        }

        @Override
        public Usage usage(String scope) {
            Usage usage = read("read usage", t -> t.first(
                    "SELECT bytes, manifests, tags, repositories FROM wharf_usage WHERE scope = ?",
                    row -> new Usage(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4)), scope));
            return usage == null ? Usage.ZERO : usage;
        }

        @Override
        public Optional<UsageRef> reference(String scope, Digest digest) {
            return Optional.ofNullable(read("read a usage reference", t -> t.first(
                    "SELECT count, size FROM wharf_usage_refs WHERE scope = ? AND digest = ?",
                    row -> new UsageRef(row.getLong(1), row.getLong(2)), scope, digest.toString())));
        }

        @Override
        public Map<String, Usage> usages() {
            Map<String, Usage> all = new HashMap<>();
            read("read usage", t -> t.list("SELECT scope, bytes, manifests, tags, repositories FROM wharf_usage",
                    row -> all.put(row.getString(1), new Usage(row.getLong(2), row.getLong(3), row.getLong(4),
                            row.getLong(5)))));
            return Map.copyOf(all);
        }

        @Override
        public void replace(String countingKey, Map<String, Usage> usages, Map<String, Map<Digest, UsageRef>> references) {
            write("replace usage counts", t -> {
                t.lock(USAGE_LOCK, 0);
                t.update("DELETE FROM wharf_usage");
                t.update("DELETE FROM wharf_usage_refs");
                for (Map.Entry<String, Usage> usage : usages.entrySet()) {
                    putUsageRow(t, usage.getKey(), usage.getValue());
                }
                for (Map.Entry<String, Map<Digest, UsageRef>> scope : references.entrySet()) {
                    for (Map.Entry<Digest, UsageRef> ref : scope.getValue().entrySet()) {
                        putReferenceRow(t, scope.getKey(), ref.getKey(), ref.getValue());
                    }
                }
                t.update("UPDATE wharf_usage_key SET counting_key = ? WHERE id = 1", countingKey);
                return null;
            });
        }
    }

    // --- search -----------------------------------------------------------------------------------------------

    @Override
    public Optional<SearchIndex> searchIndex() {
        return Optional.of(search);
    }

    private List<SearchIndex.Entry> searchEntries(SearchQuery.Sort order, Optional<RepositoryName> repository,
                                                  Optional<SearchIndex.Position> after, boolean descending, int limit) {
        String time = switch (order) {
            case NAME -> null;
            case PUSHED -> "pushed_at";
            case UPDATED -> "updated_at";
        };
        String direction = descending ? " DESC" : "";
        String compare = descending ? " < " : " > ";
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT repository, tag, entry, pushed_at FROM wharf_search WHERE TRUE");
        List<String> columns = new ArrayList<>();
        if (repository.isPresent()) {
            sql.append(" AND repository = ?");
            parameters.add(repository.get().value());
        } else if (time == null) {
            columns.add("repository");
        }
        if (time != null) {
            columns.add(time);
            if (repository.isEmpty()) {
                columns.add("repository");
            }
        }
        columns.add("tag");
        if (after.isPresent()) {
            SearchIndex.Position at = after.get();
            sql.append(" AND (").append(String.join(", ", columns)).append(")").append(compare).append("(");
            List<String> marks = new ArrayList<>();
            for (String column : columns) {
                marks.add("?");
                parameters.add(switch (column) {
                    case "repository" -> at.repository();
                    case "tag" -> at.tag();
                    default -> at.time().toEpochMilli();
                });
            }
            sql.append(String.join(", ", marks)).append(")");
        }
        sql.append(" ORDER BY ");
        sql.append(String.join(", ", columns.stream().map(c -> c + direction).toList()));
        sql.append(" LIMIT ?");
        parameters.add(limit);
        return read("search", t -> t.list(sql.toString(), row -> RecordCodec.searchEntry(row.getBytes(3),
                RepositoryName.of(row.getString(1)), Tag.of(row.getString(2)))
                .withPushedAt(Instant.ofEpochMilli(row.getLong(4))), parameters.toArray()));
    }

    // --- shared -----------------------------------------------------------------------------------------------

    /**
     * Every change to a repository holds its lock to the commit, on every node, and counts as one change of its
     * version ({@link Coordination#version}).
     */
    private static void lockRepository(Tx t, RepositoryName repository) throws SQLException {
        t.lock(REPOSITORY_LOCK, repository.value().hashCode());
        t.update("INSERT INTO wharf_repository_versions VALUES (?, 1) ON CONFLICT (name)"
                + " DO UPDATE SET version = wharf_repository_versions.version + 1", repository.value());
    }

    private static boolean exists(Tx t, RepositoryName repository) throws SQLException {
        return t.exists("SELECT 1 FROM wharf_repositories WHERE name = ?", repository.value());
    }

    /**
     * Counts a change that adds to {@code repository} (refusing it if it crosses a limit) and creates the repository
     * if it is new, reporting that to the events.
     */
    private static void adding(Tx t, RepositoryName repository, boolean existed, UsageTally tally,
                               PendingEvents pending) throws SQLException {
        if (tally != null) {
            if (!existed) {
                tally.repositoryCreated();
            }
            apply(t, tally);
        }
        if (!existed) {
            t.update("INSERT INTO wharf_repositories VALUES (?)", repository.value());
            pending.repositoryCreated(repository);
        }
    }

    /**
     * Ends a change that removed something from {@code repository}: drops the repository if it holds nothing now,
     * reporting that to the events and the tally, then counts and logs.
     */
    private static void removed(Tx t, RepositoryName repository, UsageTally tally, PendingEvents pending)
            throws SQLException {
        boolean empty = !t.exists("SELECT 1 FROM wharf_links WHERE repository = ? UNION ALL"
                + " SELECT 1 FROM wharf_manifests WHERE repository = ? LIMIT 1", repository.value(), repository.value());
        if (empty && t.update("DELETE FROM wharf_repositories WHERE name = ?", repository.value()) > 0) {
            pending.repositoryEmptied(repository);
            if (tally != null) {
                tally.repositoryEmptied();
            }
        }
        if (tally != null) {
            apply(t, tally);
        }
        log(t, pending);
    }

    /** A page of at most {@code limit} from {@code limit + 1} rows. */
    private static <T> Page<T> page(List<T> rows, int limit) {
        boolean more = rows.size() > limit;
        return new Page<>(more ? List.copyOf(rows.subList(0, limit)) : rows, more);
    }

    private <T> T read(String what, Transactions.Work<T> work) {
        checkOpen();
        return tx.read(what, work);
    }

    private <T> T write(String what, Transactions.Work<T> work) {
        checkOpen();
        return tx.write(what, work);
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("the PostgreSQL metadata store is closed");
        }
    }

    /** Locks, versions and leases across the nodes sharing the database. */
    @Override
    public Optional<Coordination> coordination() {
        return Optional.of(coordination);
    }

    /** Each change is committed before it returns: nothing to wait for. */
    @Override
    public void sync() {
    }

    /** Closes the pool {@link #open(String)} made; a pool given to {@link #over} stays open. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownedPool != null) {
            ownedPool.close();
        }
        if (ownedLockPool != null) {
            ownedLockPool.close();
        }
    }
}
