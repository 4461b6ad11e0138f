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

    /**
     * Adds {@code move} (if it changes the tag) to {@code batch}. A move of an existing tag reads the history to
     * number the entry below the newest and drops the entries beyond the limit. A tag being created (no
     * {@code from}) skips that read, the costly part of creating a tag: its entry is numbered from the database's
     * sequence number instead, below every entry the tag can have (see {@link #unreadNumber}). The history it may
     * have from an earlier life is trimmed by the tag's next move or delete, so it holds at most one entry beyond
     * the limit, which {@link #read} never returns.
     */
    void append(Batch batch, RepositoryName repo, TagMove move) throws RocksDBException {
        if (!move.isChange()) {
            return;
        }
        RepoTag tag = new RepoTag(repo, move.tag());
        if (move.from().isEmpty()) {
            batch.put(TAG_HISTORY, tag, unreadNumber(), move);
            return;
        }
        List<Long> existing = Scans.allChildren(database, TAG_HISTORY, tag); // newest first
        long next = existing.isEmpty() ? unreadNumber() : existing.get(0) - 1;
        batch.put(TAG_HISTORY, tag, next, move);
        for (int i = TagStore.TAG_HISTORY_LIMIT - 1; i < existing.size(); i++) {
            batch.delete(TAG_HISTORY, tag, existing.get(i)); // oldest entries past the bound
        }
    }

    /**
     * A key number below every entry any tag's history holds, found without reading them: entries are keyed
     * {@code Long.MAX_VALUE - n}, newest first, and every {@code n} used so far is at most the database's latest
     * sequence number. (An entry numbered here takes the latest sequence number plus one, and its own write then
     * raises the latest to at least that; an entry numbered below the newest takes that one's {@code n} plus one,
     * with the same effect; and a history's first entry under the old numbering took {@code n = 0}.) Call under
     * the repository's lock, after the tag's previous change was written.
     */
    private long unreadNumber() {
        return Long.MAX_VALUE - database.latestSequenceNumber() - 1;
    }

    /** The tag's moves, newest first. */
    List<TagMove> read(RepositoryName repo, Tag tag) {
        return Scans.values(database, TAG_HISTORY, new RepoTag(repo, tag), Optional.empty(),
                TagStore.TAG_HISTORY_LIMIT).items();
    }
}
