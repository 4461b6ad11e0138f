package dev.wharf.core.storage;

import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.SearchIndex;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The search entries of an {@link InMemoryMetadataStore}: every tag in five sorted sets (by name, by push time and
 * by update time registry-wide, and by push and update time within a repository). Not thread-safe: the store
 * changes it under its write lock and reads it under its read lock.
 */
final class InMemorySearchIndex {
    /** A tag as indexed; also a probe (digest and summary null) for a position. */
    private record Row(String repository, String tag, Digest digest, SearchIndex.Summary manifest, Instant pushedAt,
                       Instant updatedAt) {
    }

    private static final Comparator<Row> NAME = Comparator.comparing(Row::repository).thenComparing(Row::tag);
    private static final Comparator<Row> PUSHED = Comparator.comparing(Row::pushedAt).thenComparing(NAME);
    private static final Comparator<Row> UPDATED = Comparator.comparing(Row::updatedAt).thenComparing(NAME);
    private static final Comparator<Row> REPO_PUSHED = Comparator.comparing(Row::repository)
            .thenComparing(Row::pushedAt).thenComparing(Row::tag);
    private static final Comparator<Row> REPO_UPDATED = Comparator.comparing(Row::repository)
            .thenComparing(Row::updatedAt).thenComparing(Row::tag);

    /** Rows by repository and tag. */
    private final Map<String, Row> rows = new HashMap<>();
    private final NavigableSet<Row> byName = new TreeSet<>(NAME);
    private final NavigableSet<Row> byPushed = new TreeSet<>(PUSHED);
    private final NavigableSet<Row> byUpdated = new TreeSet<>(UPDATED);
    private final NavigableSet<Row> repoByPushed = new TreeSet<>(REPO_PUSHED);
    private final NavigableSet<Row> repoByUpdated = new TreeSet<>(REPO_UPDATED);

    private static String key(String repository, String tagOrDigest) {
        return repository + '\0' + tagOrDigest;
    }

    /** Points {@code tag} at {@code manifest}, moved at {@code updatedAt}, replacing its entry if it had one. */
    void put(RepositoryName repository, Tag tag, ManifestRecord manifest, Instant updatedAt) {
        remove(repository, tag);
        add(new Row(repository.value(), tag.value(), manifest.digest(), SearchIndex.Summary.of(manifest),
                manifest.pushedAt(), updatedAt));
    }

    /** {@code tag} was pushed again, at {@code pushedAt}, pointing where it did: its entry takes that push time. */
    void pushedAgain(RepositoryName repository, Tag tag, Instant pushedAt) {
        Row old = rows.get(key(repository.value(), tag.value()));
        if (old != null && !old.pushedAt().equals(pushedAt)) {
            drop(old);
            add(new Row(old.repository(), old.tag(), old.digest(), old.manifest(), pushedAt, old.updatedAt()));
        }
    }

    /** Removes the tag's entry, if it has one. */
    void remove(RepositoryName repository, Tag tag) {
        Row old = rows.get(key(repository.value(), tag.value()));
        if (old != null) {
            drop(old);
        }
    }

    private void add(Row row) {
        rows.put(key(row.repository(), row.tag()), row);
        byName.add(row);
        byPushed.add(row);
        byUpdated.add(row);
        repoByPushed.add(row);
        repoByUpdated.add(row);
    }

    private void drop(Row row) {
        rows.remove(key(row.repository(), row.tag()));
        byName.remove(row);
        byPushed.remove(row);
        byUpdated.remove(row);
        repoByPushed.remove(row);
        repoByUpdated.remove(row);
    }

    /** {@link SearchIndex#entries}. */
    List<SearchIndex.Entry> entries(SearchQuery.Sort order, Optional<RepositoryName> repository,
                                    Optional<SearchIndex.Position> after, boolean descending, int limit) {
        NavigableSet<Row> view = switch (order) {
            case NAME -> byName;
            case PUSHED -> repository.isPresent() ? repoByPushed : byPushed;
            case UPDATED -> repository.isPresent() ? repoByUpdated : byUpdated;
        };
        if (repository.isPresent()) {
            String name = repository.get().value();
            view = view.subSet(probe(name, "", Instant.MIN), true, probe(name + '\0', "", Instant.MIN), false);
        }
        if (after.isPresent()) {
            SearchIndex.Position at = after.get();
            Row probe = probe(repository.map(RepositoryName::value).orElse(at.repository()), at.tag(), at.time());
            view = descending ? view.headSet(probe, false) : view.tailSet(probe, false);
        }
        if (descending) {
            view = view.descendingSet();
        }
        List<SearchIndex.Entry> page = new ArrayList<>(Math.min(limit, 1024));
        for (Row row : view) {
            if (page.size() == limit) {
                break;
            }
            page.add(new SearchIndex.Entry(RepositoryName.of(row.repository()), Tag.of(row.tag()), row.digest(),
                    row.manifest(), row.pushedAt(), row.updatedAt()));
        }
        return page;
    }

    private static Row probe(String repository, String tag, Instant time) {
        return new Row(repository, tag, null, null, time, time);
    }
}
