package dev.wharf.rocksdb;

import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Usage;
import dev.wharf.spi.QuotaPolicy;
import dev.wharf.spi.UsageLedger;
import dev.wharf.spi.UsageRef;
import dev.wharf.spi.UsageTally;
import org.rocksdb.RocksDBException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import static dev.wharf.rocksdb.KeySchema.Root.ROOT;
import static dev.wharf.rocksdb.KeySchema.SETTINGS;
import static dev.wharf.rocksdb.KeySchema.USAGE;
import static dev.wharf.rocksdb.KeySchema.USAGE_REFS;

/**
 * The {@link UsageLedger} role on RocksDB: the {@code usage} and {@code usage_refs} families (see
 * {@link KeySchema}). A change's {@link Batch} carries its {@link UsageTally}; at commit the tally reads the
 * counts, checks the limits and adds its writes to the same batch, all under one lock that keeps counting
 * changes apart from each other until the batch is written (not until the WAL sync, which group commit shares).
 * Changes that no scope counts take no lock.
 */
final class RocksDbUsageLedger implements UsageLedger {
    private final Database database;
    private final ReentrantLock counting = new ReentrantLock();
    private volatile QuotaPolicy policy;

    RocksDbUsageLedger(Database database) {
        this.database = database;
    }

    /** A tally for a change to {@code repository}; null when no policy is counted. */
    UsageTally tally(RepositoryName repository) {
        QuotaPolicy counted = policy;
        return counted == null ? null : new UsageTally(counted, repository);
    }

    /** Applies {@code tally} to {@code batch} and writes it, under the counting lock. */
    void commit(Batch batch, UsageTally tally, Database.Call<Void> write) throws RocksDBException {
        counting.lock();
        try {
            tally.apply(new View(batch));
            write.run();
        } finally {
            counting.unlock();
        }
    }

    /** Reads the committed counts (stable under the counting lock) and writes into the change's batch. */
    private final class View implements UsageTally.View {
        private final Batch batch;

        View(Batch batch) {
            this.batch = batch;
        }

        @Override
        public Usage usage(String scope) {
            return call(() -> database.get(USAGE, ROOT, scope)).orElse(Usage.ZERO);
        }

        @Override
        public Optional<UsageRef> reference(String scope, Digest digest) {
            return call(() -> database.get(USAGE_REFS, scope, digest));
        }

        @Override
        public void putUsage(String scope, Usage usage) {
            call(() -> {
                if (usage.isZero()) {
                    batch.delete(USAGE, ROOT, scope);
                } else {
                    batch.put(USAGE, ROOT, scope, usage);
                }
                return null;
            });
        }

        @Override
        public void putReference(String scope, Digest digest, UsageRef reference) {
            call(() -> {
                if (reference == null) {
                    batch.delete(USAGE_REFS, scope, digest);
                } else {
                    batch.put(USAGE_REFS, scope, digest, reference);
                }
                return null;
            });
        }

        private <T> T call(Database.Call<T> call) {
            try {
                return call.run();
            } catch (RocksDBException e) {
                throw Database.failure("RocksDB: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String countingKey() {
        return database.guarded(() -> database.get(SETTINGS, ROOT, KeySchema.USAGE_KEY)).orElse("");
    }

    @Override
    public void count(Optional<QuotaPolicy> counted) {
        this.policy = counted.orElse(null);
    }

    @Override
    public Usage usage(String scope) {
        return database.guarded(() -> database.get(USAGE, ROOT, scope)).orElse(Usage.ZERO);
    }

    @Override
    public Optional<UsageRef> reference(String scope, Digest digest) {
        return database.guarded(() -> database.get(USAGE_REFS, scope, digest));
    }

    @Override
    public Map<String, Usage> usages() {
        return database.guarded(() -> {
            Map<String, Usage> all = new HashMap<>();
            Scans.forEach(database, USAGE, (root, scope, usage) -> all.put(scope, usage));
            return all;
        });
    }

    @Override
    public void replace(String countingKey, Map<String, Usage> usages, Map<String, Map<Digest, UsageRef>> references) {
        // The database's lifecycle lock first, then the counting lock: the order every counted write takes them in.
        database.guarded(() -> {
            counting.lock();
            try {
                try (Batch batch = database.batch()) {
                    for (String scope : List.copyOf(usages().keySet())) {
                        batch.delete(USAGE, ROOT, scope);
                    }
                    List<Map.Entry<String, Digest>> old = new java.util.ArrayList<>();
                    Scans.forEach(database, USAGE_REFS, (scope, digest, ref) -> old.add(Map.entry(scope, digest)));
                    for (Map.Entry<String, Digest> e : old) {
                        batch.delete(USAGE_REFS, e.getKey(), e.getValue());
                    }
                    for (Map.Entry<String, Usage> e : usages.entrySet()) {
                        if (!e.getValue().isZero()) {
                            batch.put(USAGE, ROOT, e.getKey(), e.getValue());
                        }
                    }
                    for (Map.Entry<String, Map<Digest, UsageRef>> scope : references.entrySet()) {
                        for (Map.Entry<Digest, UsageRef> e : scope.getValue().entrySet()) {
                            batch.put(USAGE_REFS, scope.getKey(), e.getKey(), e.getValue());
                        }
                    }
                    batch.put(SETTINGS, ROOT, KeySchema.USAGE_KEY, countingKey);
                    batch.commit();
                }
            } finally {
                counting.unlock();
            }
            return null;
        });
        database.syncEverything();
    }
}
