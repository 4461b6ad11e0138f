package dev.wharf.spi;

/**
 * Everything but blob bytes, as the union of its roles: {@link RepositoryLinks} (repositories and blob
 * links), {@link ManifestStore} (manifests and the referrers index), {@link TagStore} (tags and their
 * history) and {@link UploadSessionStore} (upload sessions). The engine's parts each depend on the roles they
 * use; a store implements them all over one database so that a change spanning roles is one write.
 *
 * <p>Contract, for every role:
 * <ul>
 *   <li>Each mutating method is one atomic change: after it returns, all of it is visible; if it throws,
 *       none of it happened. A durable store makes it survive a crash by the time {@link #sync()} returns
 *       on the same thread; the engine calls {@code sync()} before acknowledging any change, after
 *       releasing its own locks, so one disk flush can cover many concurrent writers (group commit).</li>
 *   <li>Listings are ordered by the natural (ASCII) order of their keys and start strictly after the given
 *       cursor; a page costs O(page size), not O(everything stored). {@code limit} is at least 1.</li>
 *   <li>Methods are thread-safe. The engine holds deletes of one repository's manifests and tags (and
 *       garbage collection) apart from its pushes itself, but lets pushes to one repository run together:
 *       they rely on {@link ManifestStore#putManifest}'s compare-and-set on tags. What a store reads to write
 *       a change (a tag's old index entry, its history, whether an emptied repository is left) is the
 *       store's to keep consistent with the write.</li>
 *   <li>Absence is {@link java.util.Optional#empty()}, {@code false} or an empty page; storage failures are
 *       {@link StorageException}s.</li>
 *   <li>Instants (push times, tag moves, upload times) are kept to the millisecond at least: a store may drop
 *       finer parts, never coarser ones.</li>
 * </ul>
 * The contract kits in {@code engine-testkit} check each role; a store runs them unchanged.
 */
public interface MetadataStore extends RepositoryLinks, ManifestStore, TagStore, UploadSessionStore, AutoCloseable {

    /**
     * Returns once every change this thread has made is durable. Stores that sync each write (or keep
     * nothing durable) need not override this.
     */
    default void sync() {
    }

    /**
     * The bytes and media type of the manifest {@code tag} points at, or empty: a pull by tag, the hot path.
     * By default {@link #resolveTag} then {@link #manifestContent}; a store where each read is a round trip to
     * a server answers it in one.
     */
    default java.util.Optional<dev.wharf.api.Manifest> taggedManifestContent(dev.wharf.api.RepositoryName repository,
                                                                             dev.wharf.api.Tag tag) {
        return resolveTag(repository, tag).flatMap(digest -> manifestContent(repository, digest));
    }

    /**
     * The store's event outbox, if it keeps one: events recorded atomically with the changes they report, for
     * delivery that survives crashes. Empty by default: the engine then tells its in-process listeners only.
     */
    default java.util.Optional<EventLog> eventLog() {
        return java.util.Optional.empty();
    }

    /**
     * The store's usage counts for quotas, if it keeps them ({@link UsageLedger}). Empty by default: the engine
     * then refuses to configure quotas over it.
     */
    default java.util.Optional<UsageLedger> usageLedger() {
        return java.util.Optional.empty();
    }

    /**
     * The store's search index ({@link SearchIndex}), if it keeps one. Empty by default: the engine then answers
     * searches with {@code UNSUPPORTED}.
     */
    default java.util.Optional<SearchIndex> searchIndex() {
        return java.util.Optional.empty();
    }

    /**
     * The store's coordination across the registry nodes that share it ({@link Coordination}), if it is meant to
     * be shared. Empty by default: one process uses the store, and the engine's own locks suffice.
     */
    default java.util.Optional<Coordination> coordination() {
        return java.util.Optional.empty();
    }

    /** Releases resources. Idempotent. */
    @Override
    void close();
}
