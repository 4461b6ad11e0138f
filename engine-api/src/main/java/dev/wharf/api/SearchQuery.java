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
        /** By the manifest's push time, then repository and tag. */
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

    private final Optional<RepositoryName> repository;
    private final Optional<String> repositories;
    private final Optional<RepositoryGlob> repositoryGlob;
    private final Optional<String> tags;
    private final Set<String> artifactTypes;
    private final Set<String> mediaTypes;
    private final Map<String, String> annotations;
    private final Optional<Instant> pushedAfter;
    private final Optional<Instant> pushedBefore;
    private final Optional<Instant> updatedAfter;
    private final Optional<Instant> updatedBefore;
    private final Sort sort;
    private final Optional<Order> order;
    private final int limit;
    private final Optional<String> cursor;

    private SearchQuery(Optional<RepositoryName> repository, Optional<String> repositories,
                        Optional<RepositoryGlob> repositoryGlob, Optional<String> tags, Set<String> artifactTypes,
                        Set<String> mediaTypes, Map<String, String> annotations, Optional<Instant> pushedAfter,
                        Optional<Instant> pushedBefore, Optional<Instant> updatedAfter, Optional<Instant> updatedBefore,
                        Sort sort, Optional<Order> order, int limit, Optional<String> cursor) {
        this.repository = repository;
        this.repositories = repositories;
        this.repositoryGlob = repositoryGlob;
        this.tags = tags;
        this.artifactTypes = artifactTypes;
        this.mediaTypes = mediaTypes;
        this.annotations = annotations;
        this.pushedAfter = pushedAfter;
        this.pushedBefore = pushedBefore;
        this.updatedAfter = updatedAfter;
        this.updatedBefore = updatedBefore;
        this.sort = sort;
        this.order = order;
        this.limit = limit;
        this.cursor = cursor;
    }

    /** Every tag of every repository the caller may pull, by name, {@value #DEFAULT_LIMIT} per page. */
    public static SearchQuery all() {
        return new SearchQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Set.of(),
                Set.of(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Sort.NAME,
                Optional.empty(), DEFAULT_LIMIT, Optional.empty());
    }

    /** Every tag of one repository (the repository view), by name. */
    public static SearchQuery in(RepositoryName repository) {
        return all().copy(Objects.requireNonNull(repository, "repository"), null, null, null);
    }

    private SearchQuery copy(RepositoryName repository, String repositories, RepositoryGlob glob, String tags) {
        return new SearchQuery(repository != null ? Optional.of(repository) : this.repository,
                repositories != null ? Optional.of(repositories) : this.repositories,
                repositories != null ? Optional.ofNullable(glob) : this.repositoryGlob,
                tags != null ? Optional.of(tags) : this.tags, artifactTypes, mediaTypes, annotations, pushedAfter,
                pushedBefore, updatedAfter, updatedBefore, sort, order, limit, cursor);
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
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/')) {
                    throw invalid("q", "'" + c + "' at position " + (i + 1) + " never occurs in a repository name");
                }
            }
        }
        return copy(null, prefixOrGlob, glob, null);
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
        return copy(null, null, null, glob);
    }

    /** Only manifests whose artifact type is one of these (any, if empty). HTTP: {@code artifactType}, repeated. */
    public SearchQuery withArtifactTypes(Set<String> types) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, types("artifactType", types),
                mediaTypes, annotations, pushedAfter, pushedBefore, updatedAfter, updatedBefore, sort, order, limit,
                cursor);
    }

    /** Only manifests whose media type is one of these (any, if empty). HTTP: {@code mediaType}, repeated. */
    public SearchQuery withMediaTypes(Set<String> types) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes,
                types("mediaType", types), annotations, pushedAfter, pushedBefore, updatedAfter, updatedBefore, sort,
                order, limit, cursor);
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
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes, mediaTypes,
                Map.copyOf(copy), pushedAfter, pushedBefore, updatedAfter, updatedBefore, sort, order, limit, cursor);
    }

    /** Only manifests pushed strictly after {@code time}. HTTP: {@code pushedAfter} (RFC 3339). */
    public SearchQuery withPushedAfter(Instant time) {
        return times(Optional.of(time), pushedBefore, updatedAfter, updatedBefore);
    }

    /** Only manifests pushed strictly before {@code time}. HTTP: {@code pushedBefore} (RFC 3339). */
    public SearchQuery withPushedBefore(Instant time) {
        return times(pushedAfter, Optional.of(time), updatedAfter, updatedBefore);
    }

    /** Only tags that last moved strictly after {@code time}. HTTP: {@code updatedAfter} (RFC 3339). */
    public SearchQuery withUpdatedAfter(Instant time) {
        return times(pushedAfter, pushedBefore, Optional.of(time), updatedBefore);
    }

    /** Only tags that last moved strictly before {@code time}. HTTP: {@code updatedBefore} (RFC 3339). */
    public SearchQuery withUpdatedBefore(Instant time) {
        return times(pushedAfter, pushedBefore, updatedAfter, Optional.of(time));
    }

    private SearchQuery times(Optional<Instant> pa, Optional<Instant> pb, Optional<Instant> ua, Optional<Instant> ub) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes, mediaTypes, annotations,
                pa, pb, ua, ub, sort, order, limit, cursor);
    }

    /**
     * The order: {@code sort} with {@code order}. Without an explicit order, names come ascending and times
     * descending (newest first). HTTP: {@code sort} and {@code order}.
     */
    public SearchQuery withSort(Sort sort, Order order) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes, mediaTypes, annotations,
                pushedAfter, pushedBefore, updatedAfter, updatedBefore, Objects.requireNonNull(sort, "sort"),
                Optional.of(Objects.requireNonNull(order, "order")), limit, cursor);
    }

    /** The order {@code sort}, in its default direction (names ascending, times newest first). */
    public SearchQuery withSort(Sort sort) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes, mediaTypes, annotations,
                pushedAfter, pushedBefore, updatedAfter, updatedBefore, Objects.requireNonNull(sort, "sort"), order,
                limit, cursor);
    }

    /** At most {@code limit} results per page (checked by the search against the registry's maximum). HTTP: {@code n}. */
    public SearchQuery withLimit(int limit) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes, mediaTypes, annotations,
                pushedAfter, pushedBefore, updatedAfter, updatedBefore, sort, order, limit, cursor);
    }

    /**
     * Continues after the page that returned {@code cursor} ({@link SearchPage#next()}). The rest of the query
     * must be the one that page answered. HTTP: {@code cursor}.
     */
    public SearchQuery withCursor(String cursor) {
        return new SearchQuery(repository, repositories, repositoryGlob, tags, artifactTypes, mediaTypes, annotations,
                pushedAfter, pushedBefore, updatedAfter, updatedBefore, sort, order, limit,
                Optional.of(Objects.requireNonNull(cursor, "cursor")));
    }

    /** The repository of a repository view ({@link #in}); empty for a registry-wide search. */
    public Optional<RepositoryName> repository() {
        return repository;
    }

    /** The repository prefix or glob, as given. */
    public Optional<String> repositories() {
        return repositories;
    }

    /** The repository glob, when {@link #repositories()} holds a wildcard. */
    public Optional<RepositoryGlob> repositoryGlob() {
        return repositoryGlob;
    }

    /** The repository prefix, when {@link #repositories()} holds no wildcard. */
    public Optional<String> repositoryPrefix() {
        return repositoryGlob.isPresent() ? Optional.empty() : repositories;
    }

    public Optional<String> tags() {
        return tags;
    }

    public Set<String> artifactTypes() {
        return artifactTypes;
    }

    public Set<String> mediaTypes() {
        return mediaTypes;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    public Optional<Instant> pushedAfter() {
        return pushedAfter;
    }

    public Optional<Instant> pushedBefore() {
        return pushedBefore;
    }

    public Optional<Instant> updatedAfter() {
        return updatedAfter;
    }

    public Optional<Instant> updatedBefore() {
        return updatedBefore;
    }

    public Sort sort() {
        return sort;
    }

    /** The direction: as given, else ascending for names and descending for times. */
    public Order order() {
        return order.orElse(sort == Sort.NAME ? Order.ASC : Order.DESC);
    }

    public int limit() {
        return limit;
    }

    public Optional<String> cursor() {
        return cursor;
    }

    /**
     * The query without its cursor and page size, as canonical text: two queries asking for the same results in
     * the same order have equal fingerprints. A cursor is bound to it.
     */
    public String fingerprint() {
        StringBuilder out = new StringBuilder(128);
        out.append("r=").append(repository.map(RepositoryName::value).orElse("")).append('\n')
                .append("q=").append(repositories.orElse("")).append('\n')
                .append("t=").append(tags.orElse("")).append('\n')
                .append("a=").append(new java.util.TreeSet<>(artifactTypes)).append('\n')
                .append("m=").append(new java.util.TreeSet<>(mediaTypes)).append('\n')
                .append("n=").append(new java.util.TreeMap<>(annotations)).append('\n')
                .append("p=").append(pushedAfter.map(i -> i.toEpochMilli()).orElse(null)).append(',')
                .append(pushedBefore.map(i -> i.toEpochMilli()).orElse(null)).append('\n')
                .append("u=").append(updatedAfter.map(i -> i.toEpochMilli()).orElse(null)).append(',')
                .append(updatedBefore.map(i -> i.toEpochMilli()).orElse(null)).append('\n')
                .append("s=").append(sort).append(' ').append(order());
        return out.toString();
    }

    /** A refusal of parameter {@code parameter}: {@link ErrorCode#QUERY_INVALID} naming it in the detail. */
    public static RegistryException invalid(String parameter, String why) {
        return new RegistryException(ErrorCode.QUERY_INVALID, "invalid search parameter '" + parameter + "': " + why,
                Map.of("parameter", parameter));
    }

    @Override
    public String toString() {
        return "SearchQuery[" + fingerprint().replace('\n', ' ') + " limit=" + limit + (cursor.isPresent()
                ? " cursor" : "") + "]";
    }
}
