package dev.wharf.rocksdb;

import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.spi.MetadataStore;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Bounded per-tag histories in the {@code tag_history} column family (see {@link KeySchema}): appends join
 * the caller's {@link WriteBatch}, so a tag move and its history entry commit together. Callers hold the
 * repository's stripe lock, so sequence numbers do not race.
 */
final class TagHistory {
    private final RocksDB db;
    private final ColumnFamilyHandle family;

    TagHistory(RocksDB db, ColumnFamilyHandle family) {
        this.db = db;
        this.family = family;
    }

    /** Adds {@code move} (if it changes the tag) to {@code batch}, dropping entries beyond the limit. */
    void append(WriteBatch batch, RepositoryName repo, TagMove move) throws RocksDBException {
        if (!move.isChange()) {
            return;
        }
        byte[] prefix = KeySchema.prefix(repo.value(), move.tag().value());
        long next = Long.MAX_VALUE;
        List<byte[]> existing = new ArrayList<>();
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seek(prefix); it.isValid() && KeySchema.startsWith(it.key(), prefix); it.next()) {
                if (existing.isEmpty()) {
                    next = Long.parseLong(KeySchema.partAfter(it.key(), prefix.length), 16) - 1;
                }
                existing.add(it.key());
            }
        }
        batch.put(family, KeySchema.key(repo.value(), move.tag().value(), KeySchema.sequence(next)),
                RecordCodec.tagMove(move));
        for (int i = MetadataStore.TAG_HISTORY_LIMIT - 1; i < existing.size(); i++) {
            batch.delete(family, existing.get(i)); // oldest entries past the bound
        }
    }

    /** The tag's moves, newest first. */
    List<TagMove> read(RepositoryName repo, Tag tag) {
        byte[] prefix = KeySchema.prefix(repo.value(), tag.value());
        List<TagMove> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seek(prefix); it.isValid() && KeySchema.startsWith(it.key(), prefix)
                    && out.size() < MetadataStore.TAG_HISTORY_LIMIT; it.next()) {
                out.add(RecordCodec.tagMove(it.value()));
            }
        }
        return out;
    }
}
