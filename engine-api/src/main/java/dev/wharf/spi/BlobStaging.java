package dev.wharf.spi;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The writing role of a {@link BlobStore}: staged writes for upload sessions, published by digest.
 *
 * <p>Contract:
 * <ul>
 *   <li>Writes are staged ({@link #stage()}) and invisible until {@link StagedBlob#commit(dev.wharf.api.Digest)},
 *       which publishes atomically: a reader sees the whole blob or nothing, never a prefix. Committing a
 *       digest that already exists discards the staged copy and succeeds.</li>
 *   <li>The engine hashes the bytes as they arrive and commits only after verifying the digest; the store need
 *       not hash, but must store exactly the bytes it was given.</li>
 *   <li>A durable implementation makes a committed blob survive a crash (fsync before publish) and never
 *       leaves a partially written object under a blob's name. A store that writes its blobs through the
 *       registry's {@link MetadataStore} may instead make a commit durable by the time
 *       {@link MetadataStore#sync()} returns on the committing thread: the engine calls it after every commit
 *       and before acknowledging anything, after the link that makes the blob visible, so one group-committed
 *       flush covers both.</li>
 *   <li>All methods are thread-safe; concurrent commits of the same digest end with one copy.</li>
 * </ul>
 */
public interface BlobStaging {

    /**
     * Starts a new staged write. A durable store need not make the new, empty write durable here: its first
     * durable {@link StagedBlob#append(java.io.InputStream, boolean) append} must make both the bytes and
     * the write's existence survive a crash (the engine acknowledges nothing before that).
     */
    StagedBlob stage();

    /**
     * Reopens a staged write by its {@link StagedBlob#id()} (after a restart, for stores that keep staged
     * bytes durably), or empty if it is gone. Ids the store never issued (any string) are simply absent.
     */
    Optional<StagedBlob> resume(String stagedId);

    /**
     * The smallest chunk, except the last, that an upload session may append: object stores that compose an
     * upload from parts have one (S3's is 5 MiB). Empty when any size works. The HTTP layer announces it to
     * clients as {@code OCI-Chunk-Min-Length}. Constant for the store's lifetime, and positive when present.
     * It is advice to clients, not a limit on {@link StagedBlob#append(java.io.InputStream, boolean) append}:
     * the engine does not refuse a chunk that ignores it, so a store with a minimum still accepts smaller
     * appends (buffering them until it has a part's worth, say).
     */
    default OptionalLong minimumChunkSize() {
        return OptionalLong.empty();
    }
}
