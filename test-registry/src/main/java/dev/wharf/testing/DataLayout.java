package dev.wharf.testing;

import dev.wharf.core.storage.FileSystemBlobStore;

import java.nio.file.Path;

/**
 * Where a durable registry keeps its state under one data directory:
 *
 * <pre>
 * DIR/
 *   metadata/          RocksDB: repositories, manifests, tags, blob links, referrers, upload sessions,
 *                      and blobs (and uploads) within the inline limit (InlineBlobStore)
 *   blobs/sha256/ab/&lt;hex&gt;   blob bytes, one immutable file per digest    } owned by
 *   staging/&lt;uuid&gt;      bytes of uploads in progress                     } FileSystemBlobStore
 * </pre>
 *
 * <p>The blob store owns the layout of {@code blobs/} and {@code staging/}; this class only decides that
 * metadata lives beside them, so that {@link TestRegistry} (given
 * {@link TestRegistryOptions#withDataDirectory(Path)}), the launcher and its offline backup agree. An
 * embedder that wants the same layout builds its stores from these paths.
 */
public final class DataLayout {
    private DataLayout() {
    }

    /** The RocksDB directory, {@code DIR/metadata}. */
    public static Path metadata(Path dataDirectory) {
        return dataDirectory.resolve("metadata");
    }

    /** Published blob files, {@code DIR/blobs}; they never change once there. */
    public static Path blobs(Path dataDirectory) {
        return dataDirectory.resolve("blobs");
    }

    /** Bytes of uploads in progress, {@code DIR/staging}. */
    public static Path staging(Path dataDirectory) {
        return dataDirectory.resolve("staging");
    }

    /** Opens (creating if needed) the blob store rooted at the data directory. */
    public static FileSystemBlobStore blobStore(Path dataDirectory) {
        return new FileSystemBlobStore(dataDirectory);
    }
}
