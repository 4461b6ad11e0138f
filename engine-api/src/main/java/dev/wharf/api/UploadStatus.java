package dev.wharf.api;

import java.util.Objects;

/**
 * The state of an open upload session.
 *
 * @param id         the session's opaque identifier (a random UUID)
 * @param repository the repository the blob will be linked into
 * @param offset     how many bytes have been accepted so far; the next chunk must start here
 */
public record UploadStatus(String id, RepositoryName repository, long offset) {
    public UploadStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }
}
