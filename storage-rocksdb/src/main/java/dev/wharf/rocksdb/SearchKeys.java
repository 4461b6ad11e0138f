package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.SearchQuery;
import dev.wharf.api.Tag;
import dev.wharf.spi.SearchIndex;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The keys of the {@code search} family ({@link KeySchema#SEARCH}): each tag's entry is stored under five keys,
 * one per order a listing reads, whose byte order is that order. They are built here rather than from typed
 * {@link KeySchema.Part}s because a key has up to four parts and a listing seeks to positions whose strings need
 * not be names at all.
 *
 * <pre>
 * n \0 repo \0 tag               by name: registry-wide, and per repository under "n \0 repo \0"; also the
 *                                lookup of a tag's entry, to find its other keys when it moves
 * p \0 pushed \0 repo \0 tag     by push time, registry-wide
 * u \0 updated \0 repo \0 tag    by update time, registry-wide
 * P \0 repo \0 pushed \0 tag     by push time, per repository
 * U \0 repo \0 updated \0 tag    by update time, per repository
 * </pre>
 *
 * A time is its milliseconds since the epoch with the sign bit flipped, as 16 hex digits: fixed width and
 * unsigned, so byte order is time order, before 1970 too. A name holds no {@code \0}, the lowest byte, so a name
 * sorts before every name it is a prefix of, as in ASCII order.
 */
final class SearchKeys {
    private static final char SEP = '\0';
    private static final char NAME = 'n';
    private static final char PUSHED = 'p';
    private static final char UPDATED = 'u';
    private static final char REPOSITORY_PUSHED = 'P';
    private static final char REPOSITORY_UPDATED = 'U';

    private SearchKeys() {
    }

    /** The five keys of {@code entry}. */
    static String[] keys(SearchIndex.Entry entry) {
        String repository = entry.repository().value();
        String tag = entry.tag().value();
        long pushed = entry.pushedAt().toEpochMilli();
        long updated = entry.updatedAt().toEpochMilli();
        return new String[] {
            key(NAME, repository, 0, tag),
            key(PUSHED, repository, pushed, tag),
            key(UPDATED, repository, updated, tag),
            key(REPOSITORY_PUSHED, repository, pushed, tag),
            key(REPOSITORY_UPDATED, repository, updated, tag)};
    }

    /** The name-order key of a tag: where its entry is looked up. */
    static String name(RepositoryName repository, Tag tag) {
        return key(NAME, repository.value(), 0, tag.value());
    }

    /** What every key of a listing starts with: its order's letter, and its repository for one repository's. */
    static String scope(SearchQuery.Sort order, Optional<RepositoryName> repository) {
        char kind = kind(order, repository.isPresent());
        return repository.map(r -> kind + "" + SEP + r.value() + SEP).orElse(kind + "" + SEP);
    }

    /** Just past every key that starts with {@code scope}, which ends with a separator. */
    static String end(String scope) {
        return scope.substring(0, scope.length() - 1) + (char) (SEP + 1);
    }

    /**
     * The key of {@code position} in a listing's order: the keys after it (in either direction) are exactly the
     * entries after it. Within one repository the position's repository is the listing's, whatever it says.
     */
    static String at(SearchQuery.Sort order, Optional<RepositoryName> repository, SearchIndex.Position position) {
        char kind = kind(order, repository.isPresent());
        String name = repository.map(RepositoryName::value).orElse(position.repository());
        long millis = millis(position.time());
        if (order != SearchQuery.Sort.NAME && position.time().getNano() % 1_000_000 != 0 && millis != Long.MAX_VALUE) {
            // Entries' times are whole milliseconds, so a position inside one has the same entries on each side
            // as the start of the next, which sorts before every entry in it: no repository (registry-wide), no tag.
            return key(kind, repository.isPresent() ? name : "", millis + 1, "");
        }
        return key(kind, name, millis, position.tag());
    }

    /** The entry stored under {@code key} (any of its five) with {@code value}. */
    static SearchIndex.Entry entry(byte[] key, byte[] value) {
        String text = new String(key, StandardCharsets.UTF_8);
        int first = text.indexOf(SEP);
        int second = text.indexOf(SEP, first + 1);
        int last = text.lastIndexOf(SEP);
        String repository = switch (text.charAt(0)) {
            case PUSHED, UPDATED -> text.substring(second + 1, last);
            default -> text.substring(first + 1, second);
        };
        return RecordCodec.searchEntry(value, RepositoryName.of(repository), Tag.of(text.substring(last + 1)));
    }

    private static char kind(SearchQuery.Sort order, boolean oneRepository) {
        return switch (order) {
            case NAME -> NAME;
            case PUSHED -> oneRepository ? REPOSITORY_PUSHED : PUSHED;
            case UPDATED -> oneRepository ? REPOSITORY_UPDATED : UPDATED;
        };
    }

    private static String key(char kind, String repository, long millis, String tag) {
        return switch (kind) {
            case NAME -> kind + "" + SEP + repository + SEP + tag;
            case PUSHED, UPDATED -> kind + "" + SEP + time(millis) + SEP + repository + SEP + tag;
            default -> kind + "" + SEP + repository + SEP + time(millis) + SEP + tag;
        };
    }

    /** Fixed-width hex of the flipped sign bit, padded by hand as {@link KeySchema}'s sequences are. */
    static String time(long millis) {
        String hex = Long.toHexString(millis ^ Long.MIN_VALUE);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** Whole milliseconds, rounded down; a time beyond what a long holds is the nearest one it does. */
    private static long millis(Instant time) {
        try {
            return time.toEpochMilli();
        } catch (ArithmeticException e) {
            return time.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
