package dev.wharf.spi;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.RepositoryName;

import java.time.Instant;
import java.util.Objects;

/**
 * An open upload session as the {@link MetadataStore} keeps it. {@code offset} is the number of bytes
 * acknowledged to the client; staged bytes beyond it (from a chunk that failed or was cut by a crash)
 * are not part of the upload and are truncated when the session resumes.
 *
 * @param id         the opaque session id (a random UUID)
 * @param repository where the blob will be linked
 * @param stagedId   the {@link StagedBlob#id()} holding the bytes
 * @param algorithm  the algorithm the bytes are hashed with as they arrive
 * @param offset     bytes acknowledged so far
 * @param created    when the session opened
 * @param updated    when it last accepted bytes (idle expiry counts from here)
 */
public record UploadRecord(String id, RepositoryName repository, String stagedId,
                           DigestAlgorithm algorithm, long offset, Instant created, Instant updated) {
    public UploadRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(stagedId, "stagedId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(updated, "updated");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }

    /** This session after accepting bytes up to {@code newOffset} at {@code now}. */
    public UploadRecord advancedTo(long newOffset, Instant now) {
        return new UploadRecord(id, repository, stagedId, algorithm, newOffset, created, now);
    }

}
