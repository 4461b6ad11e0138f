package dev.wharf.rocksdb;

import dev.wharf.spi.RecordCodec;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.UploadRecord;
import dev.wharf.spi.UsageRef;
import dev.wharf.api.Usage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The one place the RocksDB key schema is defined: one typed {@link Column} per {@link Family}, saying how
 * its keys and values are encoded. Every key is UTF-8 text (repository names, tags and digests are ASCII)
 * with {@code \0} between parts, so byte order equals the ASCII order the listings need and a prefix ending
 * in {@code \0} selects exactly one parent.
 *
 * <pre>
 * column family   key                                   value
 * default         "wharf.format"                        format version, ASCII digits ({@value #FORMAT_VERSION})
 * repositories    repo                                  empty: present while the repository links a blob or holds a manifest
 * links           repo \0 digest                        empty: the repository may read the blob
 * linkers         digest \0 repo                        empty: reverse of links, for mounting without 'from'
 * manifests       repo \0 digest                        RecordCodec manifest record (exact bytes + parsed facts)
 * tags            repo \0 tag                           digest (ASCII)
 * tag_index       repo \0 digest \0 tag                 empty: reverse of tags, to delete a manifest's tags
 * referrers       repo \0 subject \0 digest             RecordCodec descriptor
 * tag_history     repo \0 tag \0 sequence                RecordCodec tag move; sequence is 16 hex digits counting
 *                                                       down from 7fffffffffffffff, so the newest move sorts first
 *                                                       (a creation takes 7fffffffffffffff minus RocksDB's latest
 *                                                       sequence number minus 1, which needs no read)
 * uploads         upload id                             RecordCodec upload record
 * inline_blobs    digest                                the blob's exact bytes (blobs up to InlineBlobStore's limit)
 * staged          staged id ("inline-" uuid)            0x00 + the bytes made durable so far, or
 *                                                       0x01 + the id of the larger store's staged write it moved to
 * events          sequence (16 hex digits)               RecordCodec event: the outbox, in commit order
 * event_cursors   sink name                             the sink's last acknowledged sequence (16 hex digits)
 * default         "wharf.events.last"                   the highest event number given, kept when the log is trimmed
 * usage           quota scope                           bytes, manifests, tags, repositories: four 8-byte big-endian longs
 * usage_refs      quota scope \0 digest                  count and size: two 8-byte big-endian longs
 * default         "wharf.usage.key"                     the quota policy's counting key the usage was counted for
 * search          n \0 repo \0 tag                      RecordCodec search entry (digest, push and update times),
 *                 p \0 pushed \0 repo \0 tag            under five keys per tag, one per order; times are 16 hex
 *                 u \0 updated \0 repo \0 tag           digits of epoch milliseconds with the sign bit flipped
 *                 P \0 repo \0 pushed \0 tag            (see SearchKeys)
 *                 U \0 repo \0 updated \0 tag
 * </pre>
 *
 * <p>Format version 2 added {@code inline_blobs} and {@code staged}, version 3 {@code events} and
 * {@code event_cursors}, version 4 {@code usage} and {@code usage_refs}, version 5 {@code search}; an older
 * directory is upgraded on open by creating them, since no older key changed: empty, except {@code search},
 * which is filled from the tags ({@link RocksDbSearchIndex#rebuild}) before the new version is written.
 *
 * <p>In each column the last key part is the <em>child</em> and the parts before it the <em>parent</em>:
 * a listing is the children of one parent ({@link Scans}). A schema change bumps {@link #FORMAT_VERSION};
 * opening a store with another version fails with a message instead of misreading data, until a migration
 * is written.
 */
final class KeySchema {
    static final int FORMAT_VERSION = 5;
    /** Older format versions that opening upgrades in place: only families were added since, one of them filled. */
    static final int OLDEST_UPGRADABLE_VERSION = 1;
    /** The key, in {@link #SETTINGS}, of the format version. */
    static final String FORMAT_KEY = "wharf.format";
    /** The key, in {@link #SETTINGS}, of the highest event sequence ever given (kept when the log is trimmed). */
    static final String LAST_EVENT_KEY = "wharf.events.last";

    /** The key, in {@link #SETTINGS}, of the counting key the quota usage was counted for. */
    static final String USAGE_KEY = "wharf.usage.key";

    private static final char SEP = '\0';

    /** The parent of the top-level columns ({@code default}, {@code repositories}, {@code uploads}). */
    enum Root { ROOT }

    /** The value of a column whose keys alone are the facts: stored as zero bytes. */
    enum Marker { PRESENT }

    /** The parent of a manifest's tag index entries (repo, manifest) or of a subject's referrers (repo, subject). */
    record RepoDigest(RepositoryName repository, Digest digest) {
    }

    /** The parent of a tag's history entries. */
    record RepoTag(RepositoryName repository, Tag tag) {
    }

    /**
     * How a typed value is written as key text and read back. Only {@link #TOP} has empty text (names, tags,
     * digests and upload ids never are), and an empty parent adds no part to a key.
     */
    record Part<T>(Function<T, String> text, Function<String, T> parse) {
    }

    /** How a typed value is written as a RocksDB value and read back. */
    record Codec<V>(Function<V, byte[]> encode, Function<byte[], V> decode) {
    }

    private static final Part<Root> TOP = new Part<>(root -> "", text -> Root.ROOT);
    private static final Part<RepositoryName> REPOSITORY = new Part<>(RepositoryName::value, RepositoryName::of);
    private static final Part<Digest> DIGEST = new Part<>(Digest::toString, Digest::parse);
    private static final Part<Tag> TAG = new Part<>(Tag::value, Tag::of);
    private static final Part<String> TEXT = new Part<>(Function.identity(), Function.identity());
    /**
     * Fixed-width hex, so the key order is the numeric order; padded by hand, since String.format parses its
     * pattern (with regexes) on every tag move.
     */
    private static final Part<Long> SEQUENCE = new Part<>(n -> {
        String hex = Long.toHexString(n);
        return "0".repeat(16 - hex.length()) + hex;
    }, s -> Long.parseLong(s, 16));
    private static final Part<RepoDigest> REPO_DIGEST = new Part<>(
            k -> k.repository().value() + SEP + k.digest(),
            text -> new RepoDigest(RepositoryName.of(before(text)), Digest.parse(after(text))));
    private static final Part<RepoTag> REPO_TAG = new Part<>(
            k -> k.repository().value() + SEP + k.tag().value(),
            text -> new RepoTag(RepositoryName.of(before(text)), Tag.of(after(text))));

    private static final byte[] NO_BYTES = new byte[0];
    private static final Codec<Marker> EMPTY = new Codec<>(marker -> NO_BYTES, bytes -> Marker.PRESENT);
    private static final Codec<String> ASCII = new Codec<>(KeySchema::bytes, b -> string(b, 0, b.length));
    private static final Codec<byte[]> RAW = new Codec<>(Function.identity(), Function.identity());
    private static final Codec<Digest> DIGEST_VALUE = new Codec<>(d -> bytes(d.toString()),
            b -> Digest.parse(string(b, 0, b.length)));

    static final Column<Root, String, String> SETTINGS = new Column<>(Family.DEFAULT, TOP, TEXT, ASCII);
    static final Column<Root, RepositoryName, Marker> REPOSITORIES =
            new Column<>(Family.REPOSITORIES, TOP, REPOSITORY, EMPTY);
    static final Column<RepositoryName, Digest, Marker> LINKS = new Column<>(Family.LINKS, REPOSITORY, DIGEST, EMPTY);
    static final Column<Digest, RepositoryName, Marker> LINKERS =
            new Column<>(Family.LINKERS, DIGEST, REPOSITORY, EMPTY);
    static final Column<RepositoryName, Digest, ManifestRecord> MANIFESTS = new Column<>(Family.MANIFESTS,
            REPOSITORY, DIGEST, new Codec<>(RecordCodec::manifest, RecordCodec::manifest));
    static final Column<RepositoryName, Tag, Digest> TAGS = new Column<>(Family.TAGS, REPOSITORY, TAG, DIGEST_VALUE);
    static final Column<RepoDigest, Tag, Marker> TAG_INDEX = new Column<>(Family.TAG_INDEX, REPO_DIGEST, TAG, EMPTY);
    static final Column<RepoDigest, Digest, Descriptor> REFERRERS = new Column<>(Family.REFERRERS, REPO_DIGEST,
            DIGEST, new Codec<>(RecordCodec::descriptor, RecordCodec::descriptor));
    static final Column<RepoTag, Long, TagMove> TAG_HISTORY = new Column<>(Family.TAG_HISTORY, REPO_TAG, SEQUENCE,
            new Codec<>(RecordCodec::tagMove, RecordCodec::tagMove));
    static final Column<Root, String, UploadRecord> UPLOADS = new Column<>(Family.UPLOADS, TOP, TEXT,
            new Codec<>(RecordCodec::upload, RecordCodec::upload));
    static final Column<Root, Digest, byte[]> INLINE_BLOBS = new Column<>(Family.INLINE_BLOBS, TOP, DIGEST, RAW);
    static final Column<Root, Long, byte[]> EVENTS = new Column<>(Family.EVENTS, TOP, SEQUENCE, RAW);
    static final Column<Root, String, String> EVENT_CURSORS = new Column<>(Family.EVENT_CURSORS, TOP, TEXT, ASCII);
    static final Column<Root, String, Usage> USAGE = new Column<>(Family.USAGE, TOP, TEXT,
            new Codec<>(u -> longs(u.bytes(), u.manifests(), u.tags(), u.repositories()), b -> {
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
                return new Usage(in.getLong(), in.getLong(), in.getLong(), in.getLong());
            }));
    static final Column<String, Digest, UsageRef> USAGE_REFS = new Column<>(Family.USAGE_REFS, TEXT, DIGEST,
            new Codec<>(r -> longs(r.count(), r.size()), b -> {
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
                return new UsageRef(in.getLong(), in.getLong());
            }));

    private static byte[] longs(long... values) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(values.length * Long.BYTES);
        for (long v : values) {
            out.putLong(v);
        }
        return out.array();
    }

    /**
     * The search entries: each key is a whole {@link SearchKeys} text under the top-level parent (its parts are
     * not {@link Part}s, see there), each value a {@link RecordCodec#searchEntry} of the key's repository and tag.
     */
    static final Column<Root, String, byte[]> SEARCH = new Column<>(Family.SEARCH, TOP, TEXT, RAW);

    static final Column<Root, String, StagedState> STAGED = new Column<>(Family.STAGED, TOP, TEXT,
            new Codec<>(StagedState::encode, StagedState::decode));

    /**
     * The durable state of one {@link InlineBlobStore} staged write: the bytes made durable so far, or the id
     * of the larger store's staged write that holds them since they outgrew the limit (exactly one is set).
     */
    record StagedState(byte[] bytes, String movedTo) {
        private static final byte INLINE = 0;
        private static final byte MOVED = 1;

        static StagedState inline(byte[] bytes, int length) {
            return new StagedState(Arrays.copyOf(bytes, length), null);
        }

        static StagedState moved(String stagedId) {
            return new StagedState(null, stagedId);
        }

        byte[] encode() {
            byte[] body = movedTo == null ? bytes : KeySchema.bytes(movedTo);
            byte[] out = new byte[body.length + 1];
            out[0] = movedTo == null ? INLINE : MOVED;
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        }

        static StagedState decode(byte[] value) {
            if (value.length == 0 || value[0] != INLINE && value[0] != MOVED) {
                throw new IllegalStateException("corrupt staged-write record of " + value.length + " bytes");
            }
            return value[0] == INLINE ? new StagedState(Arrays.copyOfRange(value, 1, value.length), null)
                    : new StagedState(null, string(value, 1, value.length));
        }
    }

    private KeySchema() {
    }

    /** Parent text and child text as one key. */
    static byte[] join(String parent, String child) {
        return bytes(parent.isEmpty() ? child : parent + SEP + child);
    }

    /** The prefix of every key under {@code parent}: its text and a separator (nothing for the top level). */
    static byte[] prefix(String parent) {
        return parent.isEmpty() ? NO_BYTES : bytes(parent + SEP);
    }

    /** Where the child of {@code key} starts: just after its last separator (0 at the top level). */
    static int childStart(byte[] key) {
        int i = key.length - 1;
        while (i >= 0 && key[i] != SEP) {
            i--;
        }
        return i + 1;
    }

    /** The parent text of {@code key}: everything before {@link #childStart} and its separator. */
    static String parentText(byte[] key) {
        int childStart = childStart(key);
        return childStart == 0 ? "" : string(key, 0, childStart - 1);
    }

    /** The text after {@code prefixLength} bytes up to the next separator (or the end). */
    static String partAfter(byte[] key, int prefixLength) {
        int end = prefixLength;
        while (end < key.length && key[end] != SEP) {
            end++;
        }
        return string(key, prefixLength, end);
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private static String before(String twoParts) {
        return twoParts.substring(0, twoParts.indexOf(SEP));
    }

    private static String after(String twoParts) {
        return twoParts.substring(twoParts.indexOf(SEP) + 1);
    }
}
