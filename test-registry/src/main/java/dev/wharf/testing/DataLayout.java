package dev.wharf.testing;

import dev.wharf.core.storage.FileSystemBlobStore;

import java.nio.file.Path;

/**
 * Where a durable registry keeps its state under one data directory:
 *
 * <pre>
 * DIR/
 *   metadata/          RocksDB: repositories, manifests, tags, blob links, referrers, upload sessions
 *   blobs/sha256/ab/&lt;hex&gt;   blob bytes, one immutable file per digest    } owned by
 *   staging/&lt;uuid&gt;      bytes of uploads in progress                     } FileSystemBlobStore
 * </pre>
 *
 * <p>The blob store owns the layout of {@code blobs/} and {@code staging/}; this class only decides that
 * metadata lives beside them, so that {@link TestRegistry}, the launcher and its backup agree.
 */
final class DataLayout {
    static final String METADATA = "metadata";
    static final String BLOBS = "blobs";
    static final String STAGING = "staging";

    private DataLayout() {
    }

    /** The RocksDB directory. */
    static Path metadata(Path dataDirectory) {
        return dataDirectory.resolve(METADATA);
    }

    /** Opens (creating if needed) the blob store rooted at the data directory. */
    static FileSystemBlobStore blobStore(Path dataDirectory) {
        return new FileSystemBlobStore(dataDirectory);
    }
}
