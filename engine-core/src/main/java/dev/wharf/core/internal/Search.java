package dev.wharf.core.internal;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchPage;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.SearchResult;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.SearchIndex;

import java.security.Principal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Search of a registry's tags ({@link SearchQuery}): walks the store's {@link SearchIndex} in the query's order
 * from where the query's bounds (a name prefix, a time range on the sorted time) or its cursor put it, keeps the
 * entries that pass every filter and that the caller may pull, and stops at a page. Entries carry what a result
 * shows of their manifest, so a page reads the index alone.
 *
 * <p>What a page costs is bounded, not what the registry holds: filters that the order cannot seek to (a tag glob,
 * a media type, an annotation) are checked entry by entry, and a page ends early, with a cursor to go on, once it
 * has looked at {@code max(1000, 10·n)} readable entries that did not match, so a query matching little costs a
 * bounded amount per page instead of a scan of everything.
 *
 * <p>Nothing shows what the caller may not read. Registry-wide, an entry is readable when the caller may
 * {@link Action#CATALOG} and {@link Action#PULL} its repository, as in the catalog; in the repository view the
 * caller must be allowed to pull the repository, or the search is refused as a tag listing would be. Unreadable
 * entries are skipped without counting towards the page's budget, so the results, whether a page ends early and
 * where its cursor points are the same as if those repositories did not exist; cursors are sealed
 * ({@link SearchCursors}), so they reveal nothing either. Skipping has a far larger bound of its own
 * ({@value #HIDDEN_PER_BUDGET} times the budget per page), so that a caller who may read little cannot make a page
 * walk the whole index; only past that many unreadable entries in a row does a page end early because of them.
 */
public final class Search {
    /** The fewest non-matching readable entries a page may look at before it ends early. */
    static final int MIN_BUDGET = 1_000;
    /** Per result asked for, how many non-matching readable entries a page may look at. */
    static final int BUDGET_PER_RESULT = 10;
    /** How many unreadable entries a page may skip, per unit of its budget. */
    static final int HIDDEN_PER_BUDGET = 50;
    /** The most entries read from the index at once. */
    private static final int MAX_BATCH = 1_000;
    /** Sorts after every character of a repository name or tag, so a position built with it follows them all. */
    private static final String AFTER_NAMES = "\u007f";

    private final MetadataStore meta;
    private final Access access;
    private final int maxPageSize;
    private final SearchCursors cursors;

    public Search(MetadataStore meta, Access access, int maxPageSize) {
        this(meta, access, maxPageSize, SearchCursors.withRandomKey());
    }

    Search(MetadataStore meta, Access access, int maxPageSize, SearchCursors cursors) {
        this.meta = meta;
        this.access = access;
        this.maxPageSize = maxPageSize;
        this.cursors = cursors;
    }

    /** One page of {@code query}'s results that {@code caller} may see. */
    public SearchPage search(Caller caller, SearchQuery query) {
        SearchIndex index = meta.searchIndex().orElseThrow(() -> new RegistryException(ErrorCode.UNSUPPORTED,
                "this registry's metadata store keeps no search index"));
        int n = query.limit();
        if (n < 1 || n > maxPageSize) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID,
                    "n must be between 1 and " + maxPageSize + ", not " + n, Map.of("parameter", "n"));
        }
        Optional<RepositoryName> scope = query.repository();
        if (scope.isPresent()) {
            access.require(caller, Action.PULL, scope.get());
            if (!meta.repositoryExists(scope.get())) {
                throw Errors.nameUnknown(scope.get());
            }
        }
        String binding = query.fingerprint() + '\n' + caller.principal().map(Principal::getName).orElse("");
        Optional<SearchIndex.Position> start = query.cursor().isPresent()
                ? Optional.of(cursors.open(query.cursor().get(), binding))
                : start(query);
        return new Walk(index, caller, query, binding, n).from(start);
    }

    /** Where the query's bounds let a walk begin: after everything before its name prefix or time range. */
    private static Optional<SearchIndex.Position> start(SearchQuery query) {
        boolean descending = query.order() == SearchQuery.Order.DESC;
        return switch (query.sort()) {
            case NAME -> namePrefix(query).filter(p -> !p.isEmpty() && query.repository().isEmpty())
                    .map(p -> new SearchIndex.Position(Instant.EPOCH, descending ? p + AFTER_NAMES : p, ""));
            case PUSHED -> timeStart(descending ? query.pushedBefore() : query.pushedAfter(), descending);
            case UPDATED -> timeStart(descending ? query.updatedBefore() : query.updatedAfter(), descending);
        };
    }

    private static Optional<SearchIndex.Position> timeStart(Optional<Instant> bound, boolean descending) {
        // Ascending from "after t": past every entry at t itself. Descending from "before t": below all of them.
        return bound.map(t -> descending ? new SearchIndex.Position(t, "", "")
                : new SearchIndex.Position(t, AFTER_NAMES, AFTER_NAMES));
    }

    /** What every matching repository name starts with: the prefix, or a glob's text before its first wildcard. */
    private static Optional<String> namePrefix(SearchQuery query) {
        if (query.repositoryPrefix().isPresent()) {
            return query.repositoryPrefix();
        }
        return query.repositoryGlob().map(glob -> {
            String text = glob.toString();
            int wildcard = text.length();
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '*' || text.charAt(i) == '?') {
                    wildcard = i;
                    break;
                }
            }
            return text.substring(0, wildcard);
        });
    }

    /** One page's walk of the index. */
    private final class Walk {
        private final SearchIndex index;
        private final Caller caller;
        private final SearchQuery query;
        private final String binding;
        private final int n;
        private final SearchQuery.Sort sort;
        private final boolean descending;
        private final Optional<String> prefix;
        private final Map<RepositoryName, Boolean> readable = new HashMap<>();

        Walk(SearchIndex index, Caller caller, SearchQuery query, String binding, int n) {
            this.index = index;
            this.caller = caller;
            this.query = query;
            this.binding = binding;
            this.n = n;
            this.sort = query.sort();
            this.descending = query.order() == SearchQuery.Order.DESC;
            this.prefix = query.repository().isPresent() ? Optional.empty() : namePrefix(query);
        }

        SearchPage from(Optional<SearchIndex.Position> start) {
            int budget = Math.max(MIN_BUDGET, BUDGET_PER_RESULT * n);
            long hiddenBudget = (long) HIDDEN_PER_BUDGET * budget;
            List<SearchResult> results = new ArrayList<>(Math.min(n, 1024));
            SearchIndex.Position lastResult = null;
            Optional<SearchIndex.Position> at = start;
            int unmatched = 0;
            long hidden = 0;
            int want = Math.min(n + 1, MAX_BATCH);
            while (true) {
                List<SearchIndex.Entry> batch = index.entries(sort, query.repository(), at, descending, want);
                for (SearchIndex.Entry entry : batch) {
                    if (beyondBounds(entry)) {
                        return page(results, null);
                    }
                    SearchIndex.Position here = entry.position(sort);
                    at = Optional.of(here);
                    if (!readable(entry.repository())) {
                        if (++hidden > hiddenBudget) {
                            return page(results, here);
                        }
                        continue;
                    }
                    Optional<SearchResult> match = match(entry);
                    if (match.isPresent()) {
                        if (results.size() == n) {
                            return page(results, lastResult); // another result follows this page
                        }
                        results.add(match.get());
                        lastResult = here;
                    } else if (++unmatched > budget) {
                        return page(results, here);
                    }
                }
                if (batch.size() < want) {
                    return page(results, null);
                }
                // Read ahead, but never past what the page can still use: the results it lacks, the look-ahead one,
                // and the rest of its budget (unreadable entries may ask for another batch).
                long usable = (long) (n - results.size()) + 1 + (budget - unmatched) + 1;
                want = (int) Math.min(Math.min(want * 2L, MAX_BATCH), usable);
            }
        }

        private SearchPage page(List<SearchResult> results, SearchIndex.Position next) {
            return new SearchPage(results, Optional.ofNullable(next).map(p -> cursors.seal(binding, p)));
        }

        /** True once the walk has left the range its bounds allow: nothing further can match. */
        private boolean beyondBounds(SearchIndex.Entry entry) {
            return switch (sort) {
                case NAME -> prefix.isPresent() && !entry.repository().value().startsWith(prefix.get());
                case PUSHED -> beyond(millis(entry.pushedAt()), query.pushedAfter(), query.pushedBefore());
                case UPDATED -> beyond(millis(entry.updatedAt()), query.updatedAfter(), query.updatedBefore());
            };
        }

        private boolean beyond(Instant time, Optional<Instant> after, Optional<Instant> before) {
            return descending ? after.isPresent() && !time.isAfter(after.get())
                    : before.isPresent() && !time.isBefore(before.get());
        }

        private boolean readable(RepositoryName repository) {
            if (query.repository().isPresent()) {
                return true; // the caller may pull it: checked before the walk
            }
            return readable.computeIfAbsent(repository, r -> access.permits(caller, Action.CATALOG, r)
                    && access.permits(caller, Action.PULL, r));
        }

        /** The entry as a result, if it passes every filter. */
        private Optional<SearchResult> match(SearchIndex.Entry entry) {
            RepositoryName repository = entry.repository();
            SearchIndex.Summary manifest = entry.manifest();
            if (query.repositoryPrefix().isPresent() && !repository.value().startsWith(query.repositoryPrefix().get())
                    || query.repositoryGlob().isPresent() && !query.repositoryGlob().get().matches(repository)
                    || query.tags().isPresent() && !TagGlob.matches(query.tags().get(), entry.tag().value())
                    || !within(millis(entry.pushedAt()), query.pushedAfter(), query.pushedBefore())
                    || !within(millis(entry.updatedAt()), query.updatedAfter(), query.updatedBefore())
                    || !query.mediaTypes().isEmpty() && !query.mediaTypes().contains(manifest.mediaType())
                    || !query.artifactTypes().isEmpty()
                    && !manifest.artifactType().map(query.artifactTypes()::contains).orElse(false)
                    || !manifest.annotations().entrySet().containsAll(query.annotations().entrySet())) {
                return Optional.empty();
            }
            return Optional.of(new SearchResult(repository, entry.tag(), entry.digest(), manifest.mediaType(),
                    manifest.artifactType(), manifest.size(), millis(entry.pushedAt()), millis(entry.updatedAt()),
                    manifest.annotations()));
        }
    }

    private static boolean within(Instant time, Optional<Instant> after, Optional<Instant> before) {
        return (after.isEmpty() || time.isAfter(after.get())) && (before.isEmpty() || time.isBefore(before.get()));
    }

    /** Times as results give them, and as filters compare them: to the millisecond. */
    private static Instant millis(Instant time) {
        return time.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Tag globs: {@code *} matches any run of characters, {@code ?} one. Matched by the classic two-pointer walk,
     * which goes back only to the last {@code *}, so a crafted glob costs at most glob length × tag length.
     */
    static final class TagGlob {
        private TagGlob() {
        }

        static boolean matches(String glob, String text) {
            int g = 0;
            int t = 0;
            int star = -1;
            int resume = 0;
            while (t < text.length()) {
                if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                    g++;
                    t++;
                } else if (g < glob.length() && glob.charAt(g) == '*') {
                    star = g++;
                    resume = t;
                } else if (star >= 0) {
                    g = star + 1;
                    t = ++resume;
                } else {
                    return false;
                }
            }
            while (g < glob.length() && glob.charAt(g) == '*') {
                g++;
            }
            return g == glob.length();
        }
    }
}
