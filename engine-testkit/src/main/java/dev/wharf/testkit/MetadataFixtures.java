package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.MetadataStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values and steps the metadata kits share: digests and manifest records made from a seed, pushes made the way
 * the engine makes them, and a walk over a paged listing.
 */
final class MetadataFixtures {
    /** The repository most cases use. */
    static final RepositoryName REPO = RepositoryName.of("team/app");
    /** A push or move time; whole milliseconds, which every store keeps exactly. */
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /**
     * Names that are prefixes of one another or differ only after a shared prefix, in ASCII order: a key schema
     * that joins parts without a separator that sorts below every name character confuses them.
     */
    static final List<String> PREFIX_NAMES = List.of("a", "a-b", "a.b", "a/b", "a/b/c", "a0", "a_b", "ab");

    /** Tag names that sort differently by case, punctuation and prefix; {@link #SORTED_TAGS} is their order. */
    static final List<String> SOME_TAGS = List.of("latest", "v1", "v1.0", "V2", "_x", "0", "a-b", "a.b", "a_b", "A",
            "a", "ab", "a0");
    /** {@link #SOME_TAGS} in ASCII order. */
    static final List<String> SORTED_TAGS = List.of("0", "A", "V2", "_x", "a", "a-b", "a.b", "a0", "a_b", "ab",
            "latest", "v1", "v1.0");
    /** An upload session id; cases use ids that extend it too, so a lookup by prefix would find the wrong one. */
    static final String UPLOAD_ID = "0b6f0c5e-2d7a-4b8e-9c1f-3a5d7e9f1b2c";

    private MetadataFixtures() {
    }

    static RepositoryName repo(String name) {
        return RepositoryName.of(name);
    }

    static Digest digest(String seed) {
        return DigestAlgorithm.SHA256.digest(seed.getBytes(StandardCharsets.UTF_8));
    }

    /** An image manifest record made from {@code seed}, without subject. */
    static ManifestRecord manifest(String seed) {
        return manifest(seed, Optional.empty());
    }

    /** An image manifest record made from {@code seed}, referring to {@code subject} if present. */
    static ManifestRecord manifest(String seed, Optional<Digest> subject) {
        byte[] bytes = ("{\"seed\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
        Manifest m = new Manifest(DigestAlgorithm.SHA256.digest(bytes), MediaTypes.OCI_MANIFEST, bytes);
        return new ManifestRecord(m, Set.of(digest(seed + "-layer")), Set.of(), subject,
                Optional.of("application/vnd.example"), Map.of("k", seed));
    }

    /** Points {@code tags} at {@code record} as the engine does, at {@link #T0}: each move read from the store. */
    static void push(MetadataStore store, RepositoryName repo, ManifestRecord record, String... tags) {
        push(store, repo, record, T0, tags);
    }

    /** As {@link #push(MetadataStore, RepositoryName, ManifestRecord, String...)}, with the moves made {@code at}. */
    static void push(MetadataStore store, RepositoryName repo, ManifestRecord record, Instant at, String... tags) {
        List<TagMove> moves = new ArrayList<>();
        for (String t : tags) {
            Tag tag = Tag.of(t);
            moves.add(new TagMove(tag, store.resolveTag(repo, tag), Optional.of(record.digest()), at));
        }
        if (!store.putManifest(repo, record, moves)) {
            throw new AssertionError("putManifest refused moves read from the store just before: " + moves);
        }
    }

    /** {@code items} last to first: stored in this order, a listing's order must come from the store. */
    static <T> List<T> reversed(List<T> items) {
        List<T> copy = new ArrayList<>(items);
        Collections.reverse(copy);
        return copy;
    }

    /** The empty last page every listing answers when nothing follows its cursor. */
    static <T> Page<T> emptyPage() {
        return new Page<>(List.of(), false);
    }

    /**
     * Walks a listing page by page, each continuing after the last item of the one before, and returns every
     * item. A page that says more follow must not be empty (or the walk would never end).
     *
     * @param page   the listing: the page strictly after a cursor (empty for the start) of at most {@code limit}
     * @param cursor the cursor an item continues from
     */
    static <T, C> List<T> walk(int limit, BiFunction<Optional<C>, Integer, Page<T>> page, Function<T, C> cursor) {
        List<T> all = new ArrayList<>();
        Optional<C> after = Optional.empty();
        while (true) {
            Page<T> p = page.apply(after, limit);
            assertThat(p.items()).as("a page of limit %d after %s", limit, after).hasSizeLessThanOrEqualTo(limit);
            all.addAll(p.items());
            if (!p.hasMore()) {
                return all;
            }
            assertThat(p.items()).as("a page that says more items follow, after %s", after).isNotEmpty();
            after = Optional.of(cursor.apply(p.last()));
        }
    }
}
