package dev.wharf.api;

import java.util.Optional;

/**
 * The outcome of starting an upload, a mount, or a single-request monolithic push: either the blob is now
 * linked (HTTP 201) or an upload session was opened (HTTP 202) for the client to send the bytes.
 *
 * @param blob    the linked blob, when the request completed
 * @param session the opened session, when the client must upload
 */
public record UploadStart(Optional<BlobInfo> blob, Optional<UploadStatus> session) {
    public UploadStart {
        if (blob.isPresent() == session.isPresent()) {
            throw new IllegalArgumentException("exactly one of blob and session is present");
        }
    }

    /** The blob was linked without an upload. */
    public static UploadStart linked(BlobInfo blob) {
        return new UploadStart(Optional.of(blob), Optional.empty());
    }

    /** An upload session was opened. */
    public static UploadStart session(UploadStatus status) {
        return new UploadStart(Optional.empty(), Optional.of(status));
    }
}
