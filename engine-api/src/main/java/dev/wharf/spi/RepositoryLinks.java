package dev.wharf.spi;

import dev.wharf.api.Digest;
import dev.wharf.api.Page;
import dev.wharf.api.RepositoryName;

import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The repositories role of a {@link MetadataStore}: which repositories exist and which blobs each may read
 * (its links). A repository exists while it links a blob or holds a manifest; it appears with its first link
 * or manifest and disappears with its last.
 *
 * <p>Listings are in the ASCII order of names and start strictly after the cursor; a page costs O(page).
 */
public interface RepositoryLinks {

    /** True while the repository links a blob or holds a manifest. */
    boolean repositoryExists(RepositoryName repository);

    /** Repositories in name order, strictly after {@code after} (any string, not necessarily a name). */
    Page<RepositoryName> repositories(Optional<String> after, int limit);

    /** True if {@code repository} may read blob {@code digest}. */
    boolean isBlobLinked(RepositoryName repository, Digest digest);

    /**
     * Links a blob into a repository (creating the repository). Idempotent. Its size is not given, so a store
     * counting usage for quotas ({@link UsageLedger}) refuses it with an {@link IllegalArgumentException}.
     */
    default void linkBlob(RepositoryName repository, Digest digest) {
        linkBlob(repository, digest, UsageTally.UNKNOWN_SIZE, PendingEvents.none());
    }

    /**
     * Links a blob of {@code size} bytes into a repository, recording {@code events} in the same atomic change
     * when the store keeps an {@link EventLog}, and counting the link's usage when it keeps a {@link UsageLedger}
     * (a {@link QuotaExceededException} then refuses a link that would cross a quota).
     */
    void linkBlob(RepositoryName repository, Digest digest, long size, PendingEvents events);

    /** Removes a link (dropping the repository if nothing else is left in it); false if there was none. */
    default boolean unlinkBlob(RepositoryName repository, Digest digest) {
        return unlinkBlob(repository, digest, PendingEvents.none());
    }

    /** {@link #unlinkBlob(RepositoryName, Digest)}, recording {@code events} with it when it unlinks. */
    boolean unlinkBlob(RepositoryName repository, Digest digest, PendingEvents events);

    /** Repositories linking {@code digest}, in name order, strictly after {@code after}. */
    Page<RepositoryName> repositoriesLinking(Digest digest, Optional<RepositoryName> after, int limit);

    /**
     * Visits every blob link, for garbage collection. May run concurrently with changes; sees each link
     * present throughout the visit.
     */
    void forEachLink(BiConsumer<RepositoryName, Digest> visitor);
}
