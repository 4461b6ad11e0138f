package dev.wharf.core.storage;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.EventLog;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.QuotaPolicy;
import dev.wharf.spi.SearchIndex;
import dev.wharf.spi.UsageLedger;
import dev.wharf.spi.UsageRef;
import dev.wharf.spi.UsageTally;
import dev.wharf.api.Usage;
import dev.wharf.spi.UploadRecord;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Metadata in sorted heap maps behind one read-write lock: every mutation is trivially atomic, listings are
 * sorted-map range views (O(page)), and nothing survives the JVM. For tests and throwaway registries.
 *
 * <p>Its {@link EventLog} keeps at most {@value #EVENT_LOG_CAPACITY} events (the oldest go first, whatever the
 * sinks' cursors say), so that a long-lived registry without sinks does not grow without end; nothing of it
 * survives the JVM either.
 */
public final class InMemoryMetadataStore implements MetadataStore {
    /** The most events the log holds. */
    public static final int EVENT_LOG_CAPACITY = 100_000;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final NavigableMap<String, Repo> repos = new TreeMap<>();
    /** Reverse index of blob links, for mounting without {@code from}. */
    private final Map<Digest, NavigableSet<String>> linkers = new HashMap<>();
    private final Map<String, UploadRecord> uploads = new HashMap<>();
    /** Tag histories by "repo\0tag", newest first, at most TAG_HISTORY_LIMIT; kept after tags and repos go. */
    private final Map<String, Deque<TagMove>> history = new HashMap<>();
    private final NavigableMap<Long, RegistryEvent> events = new TreeMap<>();
    private final Map<String, Long> cursors = new HashMap<>();
    private long lastSequence;
    private final EventLog log = new Log();
    private final InMemorySearchIndex search = new InMemorySearchIndex();
    private final SearchIndex searchView = (order, repository, after, descending, limit) ->
            read(() -> search.entries(order, repository, after, descending, limit));
    /** Usage counts for quotas ({@link UsageLedger}), guarded by the same lock. */
    private final Map<String, Usage> usage = new HashMap<>();
    private final Map<String, Map<Digest, UsageRef>> usageRefs = new HashMap<>();
    private String countingKey = "";
    private volatile QuotaPolicy countedPolicy;
    private final UsageTally.View usageView = new UsageTally.View() {
        @Override
        public Usage usage(String scope) {
            return usage.getOrDefault(scope, Usage.ZERO);
        }

        @Override
        public Optional<UsageRef> reference(String scope, Digest digest) {
            Map<Digest, UsageRef> refs = usageRefs.get(scope);
            return refs == null ? Optional.empty() : Optional.ofNullable(refs.get(digest));
        }

        @Override
        public void putUsage(String scope, Usage value) {
            if (value.isZero()) {
                usage.remove(scope);
            } else {
                usage.put(scope, value);
            }
        }

        @Override
        public void putReference(String scope, Digest digest, UsageRef reference) {
            if (reference == null) {
                Map<Digest, UsageRef> refs = usageRefs.get(scope);
                if (refs != null && refs.remove(digest) != null && refs.isEmpty()) {
                    usageRefs.remove(scope);
                }
            } else {
                usageRefs.computeIfAbsent(scope, k -> new HashMap<>()).put(digest, reference);
            }
        }
    };
    private final UsageLedger ledger = new Ledger();

    /** A tally for a change to {@code repository}, or null when no quota policy is counted. */
    private UsageTally tally(RepositoryName repository) {
        QuotaPolicy policy = countedPolicy;
        return policy == null ? null : new UsageTally(policy, repository);
    }

    @Override
    public Optional<UsageLedger> usageLedger() {
        return Optional.of(ledger);
    }

    /** The usage counts over the same maps and lock. */
    private final class Ledger implements UsageLedger {
        @Override
        public String countingKey() {
            return read(() -> countingKey);
        }

        @Override
        public void count(Optional<QuotaPolicy> policy) {
            countedPolicy = policy.orElse(null);
        }

        @Override
        public Usage usage(String scope) {
            return read(() -> usageView.usage(scope));
        }

        @Override
        public Optional<UsageRef> reference(String scope, Digest digest) {
            return read(() -> usageView.reference(scope, digest));
        }

        @Override
        public Map<String, Usage> usages() {
            return read(() -> Map.copyOf(usage));
        }

        @Override
        public void replace(String key, Map<String, Usage> usages, Map<String, Map<Digest, UsageRef>> references) {
            write(() -> {
                countingKey = key;
                usage.clear();
                usage.putAll(usages);
                usageRefs.clear();
                references.forEach((scope, refs) -> usageRefs.put(scope, new HashMap<>(refs)));
                return null;
            });
        }
    }

    /** Records the events of a change being written (under the write lock) and tells them their numbers. */
    private void log(PendingEvents pending) {
        if (pending.isEmpty()) {
            return;
        }
        List<RegistryEvent> recorded = new ArrayList<>(pending.events().size());
        for (RegistryEvent e : pending.events()) {
            RegistryEvent numbered = e.withSequence(++lastSequence);
            events.put(numbered.sequence(), numbered);
            recorded.add(numbered);
        }
        while (events.size() > EVENT_LOG_CAPACITY) {
            events.pollFirstEntry();
        }
        pending.recorded(recorded);
    }

    @Override
    public Optional<SearchIndex> searchIndex() {
        return Optional.of(searchView);
    }

    @Override
    public Optional<EventLog> eventLog() {
        return Optional.of(log);
    }

    /** The event log over the same maps and lock. */
    private final class Log implements EventLog {
        @Override
        public void appendEvents(PendingEvents pending) {
            write(() -> {
                log(pending);
                return null;
            });
        }

        @Override
        public List<RegistryEvent> events(long after, int limit) {
            return read(() -> List.copyOf(events.tailMap(after, false).values().stream().limit(limit).toList()));
        }

        @Override
        public long lastSequence() {
            return read(() -> lastSequence);
        }

        @Override
        public long firstSequence() {
            return read(() -> events.isEmpty() ? lastSequence + 1 : events.firstKey());
        }

        @Override
        public long trimEvents(long through) {
            return write(() -> {
                NavigableMap<Long, RegistryEvent> gone = events.headMap(through, true);
                long n = gone.size();
                gone.clear();
                return n;
            });
        }

        @Override
        public OptionalLong cursor(String sink) {
            return read(() -> {
                Long at = cursors.get(sink);
                return at == null ? OptionalLong.empty() : OptionalLong.of(at);
            });
        }

        @Override
        public void putCursor(String sink, long sequence) {
            write(() -> cursors.put(sink, sequence));
        }
    }

    private void record(RepositoryName repository, TagMove move) {
        if (!move.isChange()) {
            return;
        }
        Deque<TagMove> moves = history.computeIfAbsent(repository.value() + '\0' + move.tag().value(),
                k -> new ArrayDeque<>());
        moves.addFirst(move);
        while (moves.size() > TAG_HISTORY_LIMIT) {
            moves.removeLast();
        }
    }

    /** One repository's state. */
    private static final class Repo {
        final Set<Digest> links = new HashSet<>();
        final Map<Digest, ManifestRecord> manifests = new HashMap<>();
        final NavigableMap<String, Digest> tags = new TreeMap<>();
        final Map<Digest, NavigableMap<Digest, Descriptor>> referrers = new HashMap<>();

        boolean isEmpty() {
            return links.isEmpty() && manifests.isEmpty();
        }
    }

    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> T write(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Repo repo(RepositoryName name) {
        return repos.computeIfAbsent(name.value(), k -> new Repo());
    }

    /**
     * Ends a change that removed something from {@code repository} (under the write lock): drops the repository if
     * it holds nothing now, reporting that to the events and the usage tally (if any), then counts and logs.
     */
    private void removed(RepositoryName repository, UsageTally tally, PendingEvents pending) {
        if (dropIfEmpty(repository)) {
            pending.repositoryEmptied(repository);
            if (tally != null) {
                tally.repositoryEmptied();
            }
        }
        if (tally != null) {
            tally.apply(usageView);
        }
        log(pending);
    }

    /** Drops the repository if it holds nothing now; true if it did. */
    private boolean dropIfEmpty(RepositoryName name) {
        Repo r = repos.get(name.value());
        if (r != null && r.isEmpty()) {
            repos.remove(name.value());
            return true;
        }
        return false;
    }

    private static <K extends Comparable<K>, T> Page<T> page(NavigableSet<K> keys, Optional<K> after, int limit,
                                                              java.util.function.Function<K, T> map) {
        NavigableSet<K> tail = after.isPresent() ? keys.tailSet(after.get(), false) : keys;
        List<T> items = new ArrayList<>(Math.min(limit, 1024));
        boolean more = false;
        for (K k : tail) {
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(map.apply(k));
        }
        return new Page<>(items, more);
    }

    @Override
    public boolean repositoryExists(RepositoryName repository) {
        return read(() -> repos.containsKey(repository.value()));
    }

    @Override
    public Page<RepositoryName> repositories(Optional<String> after, int limit) {
        return read(() -> page(repos.navigableKeySet(), after, limit, RepositoryName::of));
    }

    @Override
    public boolean isBlobLinked(RepositoryName repository, Digest digest) {
        return read(() -> {
            Repo r = repos.get(repository.value());
            return r != null && r.links.contains(digest);
        });
    }

    @Override
    public void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents pending) {
        write(() -> {
            Repo existing = repos.get(repository.value());
            UsageTally tally = tally(repository);
            if (tally != null && (existing == null || !existing.links.contains(digest))) {
                tally.linked(digest, size);
                if (existing == null) {
                    tally.repositoryCreated();
                }
                tally.apply(usageView);
            }
            if (existing == null) {
                pending.repositoryCreated(repository);
            }
            repo(repository).links.add(digest);
            linkers.computeIfAbsent(digest, d -> new TreeSet<>()).add(repository.value());
            log(pending);
            return null;
        });
    }

    @Override
    public boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents pending) {
        return write(() -> {
            Repo r = repos.get(repository.value());
            if (r == null || !r.links.remove(digest)) {
                return false;
            }
            NavigableSet<String> names = linkers.get(digest);
            names.remove(repository.value());
            if (names.isEmpty()) {
                linkers.remove(digest);
            }
            UsageTally tally = tally(repository);
            if (tally != null) {
                tally.unlinked(digest);
            }
            removed(repository, tally, pending);
            return true;
        });
    }

    @Override
    public Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit) {
        return read(() -> {
            NavigableSet<String> names = linkers.getOrDefault(digest, new TreeSet<>());
            return page(names, after.map(RepositoryName::value), limit, RepositoryName::of);
        });
    }

    @Override
    public Optional<ManifestRecord> manifest(RepositoryName repository, Digest digest) {
        return read(() -> {
            Repo r = repos.get(repository.value());
            return r == null ? Optional.empty() : Optional.ofNullable(r.manifests.get(digest));
        });
    }

    @Override
    public boolean putManifest(RepositoryName repository, ManifestRecord manifest, Collection<TagMove> moves,
                               PendingEvents pending) {
        return write(() -> {
            Repo existing = repos.get(repository.value());
            for (TagMove move : moves) {
                Digest current = existing == null ? null : existing.tags.get(move.tag().value());
                if (!move.from().equals(Optional.ofNullable(current))) {
                    return false; // moved by another push since the engine read it
                }
            }
            UsageTally tally = tally(repository);
            if (tally != null) {
                if (existing == null || !existing.manifests.containsKey(manifest.digest())) {
                    tally.manifestAdded(manifest.digest(), manifest.manifest().size());
                }
                tally.tagsAdded((int) moves.stream().filter(m -> m.from().isEmpty()).count());
                if (existing == null) {
                    tally.repositoryCreated();
                }
                tally.apply(usageView);
            }
            if (existing == null) {
                pending.repositoryCreated(repository);
            }
            Repo r = repo(repository);
            r.manifests.put(manifest.digest(), manifest);
            for (TagMove move : moves) {
                r.tags.put(move.tag().value(), manifest.digest());
                record(repository, move);
                if (move.isChange()) {
                    search.put(repository, move.tag(), manifest, move.at());
                } else {
                    search.pushedAgain(repository, move.tag(), manifest.pushedAt());
                }
            }
            manifest.subject().ifPresent(subject -> r.referrers.computeIfAbsent(subject, s -> new TreeMap<>())
                    .put(manifest.digest(), manifest.referrerDescriptor()));
            log(pending);
            return true;
        });
    }

    @Override
    public Optional<Digest> resolveTag(RepositoryName repository, Tag tag) {
        return read(() -> {
            Repo r = repos.get(repository.value());
            return r == null ? Optional.empty() : Optional.ofNullable(r.tags.get(tag.value()));
        });
    }

    @Override
    public Page<Tag> tags(RepositoryName repository, Optional<String> after, int limit) {
        return read(() -> {
            Repo r = repos.get(repository.value());
            if (r == null) {
                return new Page<>(List.of(), false);
            }
            return page(r.tags.navigableKeySet(), after, limit, Tag::of);
        });
    }

    @Override
    public boolean deleteTag(RepositoryName repository, Tag tag, Instant at, PendingEvents pending) {
        return write(() -> {
            Repo r = repos.get(repository.value());
            Digest removed = r == null ? null : r.tags.remove(tag.value());
            if (removed == null) {
                return false;
            }
            record(repository, new TagMove(tag, Optional.of(removed), Optional.empty(), at));
            search.remove(repository, tag);
            UsageTally tally = tally(repository);
            if (tally != null) {
                tally.tagsRemoved(1).apply(usageView);
            }
            log(pending);
            return true;
        });
    }

    @Override
    public List<Tag> tagsOf(RepositoryName repository, Digest digest, int limit) {
        return read(() -> {
            Repo r = repos.get(repository.value());
            if (r == null) {
                return List.of();
            }
            return r.tags.entrySet().stream().filter(e -> e.getValue().equals(digest)).limit(limit)
                    .map(e -> Tag.of(e.getKey())).toList();
        });
    }

    @Override
    public List<TagMove> tagHistory(RepositoryName repository, Tag tag) {
        return read(() -> {
            Deque<TagMove> moves = history.get(repository.value() + '\0' + tag.value());
            return moves == null ? List.of() : List.copyOf(moves);
        });
    }

    @Override
    public void forEachLink(BiConsumer<RepositoryName, Digest> visitor) {
        List<Map.Entry<String, Digest>> links = read(() -> repos.entrySet().stream()
                .flatMap(e -> e.getValue().links.stream().map(d -> Map.entry(e.getKey(), d))).toList());
        links.forEach(e -> visitor.accept(RepositoryName.of(e.getKey()), e.getValue()));
    }

    @Override
    public void forEachManifest(BiConsumer<RepositoryName, ManifestRecord> visitor) {
        List<Map.Entry<String, ManifestRecord>> all = read(() -> repos.entrySet().stream()
                .flatMap(e -> e.getValue().manifests.values().stream().map(m -> Map.entry(e.getKey(), m))).toList());
        all.forEach(e -> visitor.accept(RepositoryName.of(e.getKey()), e.getValue()));
    }

    @Override
    public boolean deleteManifest(RepositoryName repository, Digest digest, Instant at, PendingEvents pending) {
        return write(() -> {
            Repo r = repos.get(repository.value());
            ManifestRecord removed = r == null ? null : r.manifests.remove(digest);
            if (removed == null) {
                return false;
            }
            int[] tagsRemoved = {0};
            r.tags.entrySet().removeIf(e -> {
                if (!e.getValue().equals(digest)) {
                    return false;
                }
                tagsRemoved[0]++;
                Tag tag = Tag.of(e.getKey());
                record(repository, new TagMove(tag, Optional.of(digest), Optional.empty(), at));
                search.remove(repository, tag);
                return true;
            });
            removed.subject().ifPresent(subject -> {
                NavigableMap<Digest, Descriptor> refs = r.referrers.get(subject);
                if (refs != null) {
                    refs.remove(digest);
                    if (refs.isEmpty()) {
                        r.referrers.remove(subject);
                    }
                }
            });
            UsageTally tally = tally(repository);
            if (tally != null) {
                tally.manifestRemoved(digest).tagsRemoved(tagsRemoved[0]);
            }
            removed(repository, tally, pending);
            return true;
        });
    }

    @Override
    public Page<Descriptor> referrers(RepositoryName repository, Digest subject, Optional<Digest> after, int limit) {
        return read(() -> {
            Repo r = repos.get(repository.value());
            NavigableMap<Digest, Descriptor> refs = r == null ? null : r.referrers.get(subject);
            return refs == null ? new Page<>(List.of(), false) : page(refs.navigableKeySet(), after, limit, refs::get);
        });
    }

    @Override
    public void putUpload(UploadRecord upload) {
        write(() -> uploads.put(upload.id(), upload));
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return read(() -> Optional.ofNullable(uploads.get(id)));
    }

    @Override
    public boolean deleteUpload(String id) {
        return write(() -> uploads.remove(id) != null);
    }

    @Override
    public List<UploadRecord> uploads() {
        return read(() -> List.copyOf(uploads.values()));
    }

    @Override
    public void close() {
        // Nothing to release; contents are dropped with the object.
    }
}
