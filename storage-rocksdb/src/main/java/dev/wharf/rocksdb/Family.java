package dev.wharf.rocksdb;

import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The column families of a metadata store, declared up front: {@link Database} opens every one of them,
 * in this order, and hands out their handles by constant, never by name or position. What each family
 * holds, and the typed codecs that read and write it, are defined in {@link KeySchema}.
 *
 * <p>The names are what RocksDB keeps on disk. Renaming one would open an empty family beside the old
 * data, so a name never changes without a {@link KeySchema#FORMAT_VERSION} bump and a migration.
 */
enum Family {
    /** RocksDB's own family, which always exists; holds the format version. */
    DEFAULT(RocksDB.DEFAULT_COLUMN_FAMILY),
    REPOSITORIES("repositories"),
    LINKS("links"),
    LINKERS("linkers"),
    MANIFESTS("manifests"),
    TAGS("tags"),
    TAG_INDEX("tag_index"),
    REFERRERS("referrers"),
    UPLOADS("uploads"),
    TAG_HISTORY("tag_history"),
    /** Since format version 2: the bytes of small blobs ({@link InlineBlobStore}). */
    INLINE_BLOBS("inline_blobs"),
    /** Since format version 2: staged writes of {@link InlineBlobStore} that are still in progress. */
    STAGED("staged"),
    /** Since format version 3: the event outbox ({@link RocksDbEventLog}). */
    EVENTS("events"),
    /** Since format version 3: each event sink's cursor in the outbox. */
    EVENT_CURSORS("event_cursors"),
    /** Since format version 4: each quota scope's usage ({@link RocksDbUsageLedger}). */
    USAGE("usage"),
    /** Since format version 4: how often each quota scope holds each digest, and its size. */
    USAGE_REFS("usage_refs"),
    /** Since format version 5: every tag as a search entry, under one key per order ({@link RocksDbSearchIndex}). */
    SEARCH("search");

    private final byte[] onDiskName;

    Family(String onDiskName) {
        this(onDiskName.getBytes(StandardCharsets.UTF_8));
    }

    Family(byte[] onDiskName) {
        this.onDiskName = onDiskName;
    }

    /** The family's name as RocksDB stores it (a copy). */
    byte[] onDiskName() {
        return Arrays.copyOf(onDiskName, onDiskName.length);
    }
}
