package dev.wharf.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The one place the RocksDB key schema is defined. Every key is UTF-8 text (repository names, tags and
 * digests are ASCII) with {@code \0} between parts, so byte order equals the ASCII order the listings need
 * and a prefix ending in {@code \0} selects exactly one parent.
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
 * uploads         upload id                             RecordCodec upload record
 * </pre>
 *
 * <p>A schema change bumps {@link #FORMAT_VERSION}; opening a store with another version fails with a
 * message instead of misreading data, until a migration is written.
 */
final class KeySchema {
    static final int FORMAT_VERSION = 1;
    static final byte[] FORMAT_KEY = bytes("wharf.format");

    static final String REPOSITORIES = "repositories";
    static final String LINKS = "links";
    static final String LINKERS = "linkers";
    static final String MANIFESTS = "manifests";
    static final String TAGS = "tags";
    static final String TAG_INDEX = "tag_index";
    static final String REFERRERS = "referrers";
    static final String UPLOADS = "uploads";
    static final String TAG_HISTORY = "tag_history";

    /** Column families in declaration order (after {@code default}); handles are indexed by this order. */
    static final List<String> FAMILIES = List.of(REPOSITORIES, LINKS, LINKERS, MANIFESTS, TAGS, TAG_INDEX, REFERRERS,
            UPLOADS, TAG_HISTORY);

    private static final byte SEP = 0;

    private KeySchema() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** Parts joined with {@code \0}. */
    static byte[] key(String... parts) {
        int len = parts.length - 1;
        byte[][] encoded = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            encoded[i] = bytes(parts[i]);
            len += encoded[i].length;
        }
        byte[] out = new byte[len];
        int pos = 0;
        for (int i = 0; i < encoded.length; i++) {
            if (i > 0) {
                out[pos++] = SEP;
            }
            System.arraycopy(encoded[i], 0, out, pos, encoded[i].length);
            pos += encoded[i].length;
        }
        return out;
    }

    /** Parts joined with {@code \0}, plus a trailing {@code \0}: the prefix of all children. */
    static byte[] prefix(String... parts) {
        byte[] k = key(parts);
        byte[] out = Arrays.copyOf(k, k.length + 1);
        out[k.length] = SEP;
        return out;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** A history sequence number as its fixed-width key part. */
    static String sequence(long n) {
        return String.format("%016x", n);
    }

    /** The text after {@code prefix} up to the next separator (or the end). */
    static String partAfter(byte[] key, int prefixLength) {
        int end = prefixLength;
        while (end < key.length && key[end] != SEP) {
            end++;
        }
        return string(key, prefixLength, end);
    }
}
