package dev.wharf.rocksdb;

import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.rocksdb.KeySchema.RepoTag;
import dev.wharf.spi.TagStore;
import org.rocksdb.RocksDBException;

import java.util.List;
import java.util.Optional;

import static dev.wharf.rocksdb.KeySchema.TAG_HISTORY;

/**
 * Bounded per-tag histories in the {@code tag_history} column family (see {@link KeySchema}): appends join
 * the caller's {@link Batch}, so a tag move and its history entry commit together. Callers hold the
 * repository's stripe lock, so sequence numbers do not race.
 */
final class TagHistory {
    private final Database database;

    TagHistory(Database database) {
        this.database = database;
    }

    /** Adds {@code move} (if it changes the tag) to {@code batch}, dropping entries beyond the limit. */
    void append(Batch batch, RepositoryName repo, TagMove move) throws RocksDBException {
        if (!move.isChange()) {
            return;
        }
        RepoTag tag = new RepoTag(repo, move.tag());
        List<Long> existing = Scans.allChildren(database, TAG_HISTORY, tag); // newest first
        long next = existing.isEmpty() ? Long.MAX_VALUE : existing.get(0) - 1;
        batch.put(TAG_HISTORY, tag, next, move);
        for (int i = TagStore.TAG_HISTORY_LIMIT - 1; i < existing.size(); i++) {
            batch.delete(TAG_HISTORY, tag, existing.get(i)); // oldest entries past the bound
        }
    }

    /** The tag's moves, newest first. */
    List<TagMove> read(RepositoryName repo, Tag tag) {
        return Scans.values(database, TAG_HISTORY, new RepoTag(repo, tag), Optional.empty(),
                TagStore.TAG_HISTORY_LIMIT).items();
    }
}
