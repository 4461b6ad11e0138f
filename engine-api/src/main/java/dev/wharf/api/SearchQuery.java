package dev.wharf.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a search of a registry's tags asks for: which tags, filtered how, in what order, how many per page, and
 * where to continue. Start from {@link #all()} (the registry-wide search) or {@link #in(RepositoryName)} (the
 * repository view) and narrow it with the {@code with…} methods; every filter is optional and they combine with
 * AND. Instances are immutable.
 *
 * <pre>{@code
 * SearchQuery query = SearchQuery.all()
 *         .withRepositories("team/**")
 *         .withArtifactTypes(Set.of("application/vnd.cncf.helm.config.v1+json"))
 *         .withPushedAfter(Instant.parse("2026-01-01T00:00:00Z"))
 *         .withSort(SearchQuery.Sort.PUSHED, SearchQuery.Order.DESC)
 *         .withLimit(50);
 * }</pre>
 *
 * <p>Bad input is refused with a {@link RegistryException} of {@link ErrorCode#QUERY_INVALID} whose detail names
 * the HTTP parameter of the same meaning ({@code {"parameter": "q"}}), so the HTTP API and Java callers see one
 * message. A page size outside 1 to the registry's maximum is refused by the search itself, with
 * {@link ErrorCode#PAGINATION_NUMBER_INVALID}.
 */
public final class SearchQuery {
    /** The page size when none is given. */
    public static final int DEFAULT_LIMIT = 100;

    /** The orders results come in. */
    public enum Sort {
        /** By repository name, then tag (ASCII). */
        NAME,
        /** By the time the tag was last pushed, then repository and tag. */
        PUSHED,
        /** By the time the tag last moved, then repository and tag. */
        UPDATED;

        /** The order's HTTP name ({@code name}, {@code pushed}, {@code updated}). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Ascending or descending. */
    public enum Order {
        ASC, DESC;

        /** The direction's HTTP name ({@code asc}, {@code desc}). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The query's state. Each {@code with…} method changes a fresh copy before handing it to a new query, which
     * holds it through a final field and never changes it again; so queries are immutable and safely shared.
     */
    private static final class Fields implements Cloneable {
        Optional<RepositoryName> repository = Optional.empty();
        Optional<String> repositories = Optional.empty();
        Optional<RepositoryGlob> repositoryGlob = Optional.empty();
        Optional<String> tags = Optional.empty();
        Set<String> artifactTypes = Set.of();
        Set<String> mediaTypes = Set.of();
        Map<String, String> annotations = Map.of();
        Optional<Instant> pushedAfter = Optional.empty();
        Optional<Instant> pushedBefore = Optional.empty();
        Optional<Instant> updatedAfter = Optional.empty();
        Optional<Instant> updatedBefore = Optional.empty();
        Sort sort = Sort.NAME;
        Optional<Order> order = Optional.empty();
        int limit = DEFAULT_LIMIT;
        Optional<String> cursor = Optional.empty();

        @Override
        protected Fields clone() {
            try {
                return (Fields) super.clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final Fields f;

    private SearchQuery(Fields fields) {
        this.f = fields;
    }

    /** A new query: this one with {@code change} applied to a copy of its state. */
    private SearchQuery with(java.util.function.Consumer<Fields> change) {
        Fields next = f.clone();
        change.accept(next);
        return new SearchQuery(next);
    }

    /** Every tag of every repository the caller may pull, by name, {@value #DEFAULT_LIMIT} per page. */
    public static SearchQuery all() {
        return new SearchQuery(new Fields());
    }

    /** Every tag of one repository (the repository view), by name. */
    public static SearchQuery in(RepositoryName repository) {
        Objects.requireNonNull(repository, "repository");
        return all().with(next -> next.repository = Optional.of(repository));
    }

    /**
     * Only repositories whose name starts with {@code prefixOrGlob} or, if it holds a wildcard ({@code *},
     * {@code ?}), that match it as a {@link RepositoryGlob} ({@code team/*}, {@code **}{@code /app}). HTTP: {@code q}.
     */
    public SearchQuery withRepositories(String prefixOrGlob) {
        Objects.requireNonNull(prefixOrGlob, "prefixOrGlob");
        if (prefixOrGlob.isEmpty()) {
            throw invalid("q", "the repository filter is empty");
        }
        RepositoryGlob glob = null;
        if (prefixOrGlob.indexOf('*') >= 0 || prefixOrGlob.indexOf('?') >= 0) {
            try {
                glob = RepositoryGlob.parse(prefixOrGlob);
            } catch (IllegalArgumentException e) {
                throw invalid("q", e.getMessage());
            }
        } else {
            if (prefixOrGlob.length() > RepositoryName.MAX_LENGTH) {
                throw invalid("q", "the repository prefix is longer than a repository name may be");
            }
            for (int i = 0; i < prefixOrGlob.length(); i++) {
                char c = prefixOrGlob.charAt(i);
                if (!RepositoryGlob.isAllowed(c)) { // no wildcard here, so a repository name's characters
                    throw invalid("q", "'" + c + "' at position " + (i + 1) + " never occurs in a repository name");
                }
            }
        }
        Optional<RepositoryGlob> compiled = Optional.ofNullable(glob);
        return with(next -> {
            next.repositories = Optional.of(prefixOrGlob);
            next.repositoryGlob = compiled;
        });
    }

    /** Only tags matching {@code glob}, where {@code *} matches any run of characters and {@code ?} one. HTTP: {@code tag}. */
    public SearchQuery withTags(String glob) {
        Objects.requireNonNull(glob, "glob");
        if (glob.isEmpty() || glob.length() > 256) {
            throw invalid("tag", "a tag glob holds 1 to 256 characters");
        }
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-' || c == '*' || c == '?')) {
                throw invalid("tag", "'" + c + "' at position " + (i + 1) + " never occurs in a tag");
            }
        }
        return with(next -> next.tags = Optional.of(glob));
    }

    /** Only manifests whose artifact type is one of these (any, if empty). HTTP: {@code artifactType}, repeated. */
    public SearchQuery withArtifactTypes(Set<String> types) {
        Set<String> checked = types("artifactType", types);
        return with(next -> next.artifactTypes = checked);
    }

    /** Only manifests whose media type is one of these (any, if empty). HTTP: {@code mediaType}, repeated. */
    public SearchQuery withMediaTypes(Set<String> types) {
        Set<String> checked = types("mediaType", types);
        return with(next -> next.mediaTypes = checked);
    }

    private static Set<String> types(String parameter, Set<String> types) {
        Set<String> copy = new LinkedHashSet<>();
        for (String type : types) {
            if (type == null || type.isEmpty() || type.length() > 255) {
                throw invalid(parameter, "a media type holds 1 to 255 characters");
            }
            copy.add(type);
        }
        return Set.copyOf(copy);
    }

    /**
     * Only manifests holding every one of these annotations with exactly these values. HTTP: {@code annotation},
     * repeated, each {@code key=value}.
     */
    public SearchQuery withAnnotations(Map<String, String> required) {
        Map<String, String> copy = new LinkedHashMap<>();
        required.forEach((key, value) -> {
            if (key == null || key.isEmpty() || value == null) {
                throw invalid("annotation", "an annotation filter needs a key and a value, as key=value");
            }
            copy.put(key, value);
        });
        Map<String, String> checked = Map.copyOf(copy);
        return with(next -> next.annotations = checked);
    }

    /** Only tags last pushed strictly after {@code time}. HTTP: {@code pushedAfter} (RFC 3339). */
    public SearchQuery withPushedAfter(Instant time) {
        Objects.requireNonNull(time, "time");
        return with(next -> next.pushedAfter = Optional.of(time));
    }

    /** Only tags last pushed strictly before {@code time}. HTTP: {@code pushedBefore} (RFC 3339). */
    public SearchQuery withPushedBefore(Instant time) {
        Objects.requireNonNull(time, "time");
        return with(next -> next.pushedBefore = Optional.of(time));
    }

    /** Only tags that last moved strictly after {@code time}. HTTP: {@code updatedAfter} (RFC 3339). */
    public SearchQuery withUpdatedAfter(Instant time) {
        Objects.requireNonNull(time, "time");
        return with(next -> next.updatedAfter = Optional.of(time));
    }

    /** Only tags that last moved strictly before {@code time}. HTTP: {@code updatedBefore} (RFC 3339). */
    public SearchQuery withUpdatedBefore(Instant time) {
        Objects.requireNonNull(time, "time");
        return with(next -> next.updatedBefore = Optional.of(time));
    }

    /**
     * The order: {@code sort} with {@code order}. Without an explicit order, names come ascending and times
     * descending (newest first). HTTP: {@code sort} and {@code order}.
     */
    public SearchQuery withSort(Sort sort, Order order) {
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(order, "order");
        return with(next -> {
            next.sort = sort;
            next.order = Optional.of(order);
        });
    }

    /** The order {@code sort}, in its default direction (names ascending, times newest first). */
    public SearchQuery withSort(Sort sort) {
        Objects.requireNonNull(sort, "sort");
        return with(next -> next.sort = sort);
    }

    /** At most {@code limit} results per page (checked by the search against the registry's maximum). HTTP: {@code n}. */
    public SearchQuery withLimit(int limit) {
        return with(next -> next.limit = limit);
    }

    /**
     * Continues after the page that returned {@code cursor} ({@link SearchPage#next()}). The rest of the query
     * must be the one that page answered. HTTP: {@code cursor}.
     */
    public SearchQuery withCursor(String cursor) {
        Objects.requireNonNull(cursor, "cursor");
        return with(next -> next.cursor = Optional.of(cursor));
    }

    /** The repository of a repository view ({@link #in}); empty for a registry-wide search. */
    public Optional<RepositoryName> repository() {
        return f.repository;
    }

    /** The repository prefix or glob, as given. */
    public Optional<String> repositories() {
        return f.repositories;
    }

    /** The repository glob, when {@link #repositories()} holds a wildcard. */
    public Optional<RepositoryGlob> repositoryGlob() {
        return f.repositoryGlob;
    }

    /** The repository prefix, when {@link #repositories()} holds no wildcard. */
    public Optional<String> repositoryPrefix() {
        return f.repositoryGlob.isPresent() ? Optional.empty() : f.repositories;
    }

    public Optional<String> tags() {
        return f.tags;
    }

    public Set<String> artifactTypes() {
        return f.artifactTypes;
    }

    public Set<String> mediaTypes() {
        return f.mediaTypes;
    }

    public Map<String, String> annotations() {
        return f.annotations;
    }

    public Optional<Instant> pushedAfter() {
        return f.pushedAfter;
    }

    public Optional<Instant> pushedBefore() {
        return f.pushedBefore;
    }

    public Optional<Instant> updatedAfter() {
        return f.updatedAfter;
    }

    public Optional<Instant> updatedBefore() {
        return f.updatedBefore;
    }

    public Sort sort() {
        return f.sort;
    }

    /** The direction: as given, else ascending for names and descending for times. */
    public Order order() {
        return f.order.orElse(f.sort == Sort.NAME ? Order.ASC : Order.DESC);
    }

    public int limit() {
        return f.limit;
    }

    public Optional<String> cursor() {
        return f.cursor;
    }

    /**
     * The query without its cursor and page size, as canonical text: two queries asking for the same results in
     * the same order have equal fingerprints. A cursor is bound to it.
     */
    public String fingerprint() {
        StringBuilder out = new StringBuilder(128);
        out.append("r=").append(f.repository.map(RepositoryName::value).orElse("")).append('\n')
                .append("q=").append(f.repositories.orElse("")).append('\n')
                .append("t=").append(f.tags.orElse("")).append('\n')
                .append("a=").append(new java.util.TreeSet<>(f.artifactTypes)).append('\n')
                .append("m=").append(new java.util.TreeSet<>(f.mediaTypes)).append('\n')
                .append("n=").append(new java.util.TreeMap<>(f.annotations)).append('\n')
                .append("p=").append(f.pushedAfter.map(i -> i.toEpochMilli()).orElse(null)).append(',')
                .append(f.pushedBefore.map(i -> i.toEpochMilli()).orElse(null)).append('\n')
                .append("u=").append(f.updatedAfter.map(i -> i.toEpochMilli()).orElse(null)).append(',')
                .append(f.updatedBefore.map(i -> i.toEpochMilli()).orElse(null)).append('\n')
                .append("s=").append(f.sort).append(' ').append(order());
        return out.toString();
    }

    /** A refusal of parameter {@code parameter}: {@link ErrorCode#QUERY_INVALID} naming it in the detail. */
    public static RegistryException invalid(String parameter, String why) {
        return new RegistryException(ErrorCode.QUERY_INVALID, "invalid search parameter '" + parameter + "': " + why,
                Map.of("parameter", parameter));
    }

    @Override
    public String toString() {
        return "SearchQuery[" + fingerprint().replace('\n', ' ') + " limit=" + f.limit + (f.cursor.isPresent()
                ? " cursor" : "") + "]";
    }
}
