package dev.wharf.core.internal;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobStore;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sizes of blobs the store was seen to hold, so that a blob HEAD or GET through a repository that links the
 * blob does not ask the blob store again: with an object store that is a network round trip per request.
 *
 * <p>Why a digest's entry never goes stale: the digest fixes the bytes and so the size, and the caller checks the
 * repository's link in the metadata store on every request first. A linked blob is one garbage collection keeps,
 * so a cached size is only consulted for a blob the store holds. (Were it removed all the same, the read itself
 * answers BLOB_UNKNOWN, as for a blob collected between the stat and the read.) Only blobs found are cached; a
 * miss always asks the store. Bounded: past {@value #MAX_ENTRIES} entries the cache starts again empty.
 */
final class BlobSizes {
    static final int MAX_ENTRIES = 16_384;

    private final BlobStore store;
    private final ConcurrentHashMap<Digest, BlobInfo> known = new ConcurrentHashMap<>();

    BlobSizes(BlobStore store) {
        this.store = store;
    }

    /** The blob's digest and size: from the cache, else from the store (and then cached if found). */
    Optional<BlobInfo> stat(Digest digest) {
        BlobInfo cached = known.get(digest);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<BlobInfo> stored = store.stat(digest);
        stored.ifPresent(info -> {
            if (known.size() >= MAX_ENTRIES) {
                known.clear();
            }
            known.put(digest, info);
        });
        return stored;
    }

    /** How many sizes are held; for tests. */
    int size() {
        return known.size();
    }
}
