package dev.wharf.spi;

import java.util.List;
import java.util.Optional;

/**
 * The upload-session role of a {@link MetadataStore}: the records of open upload sessions, so a session
 * survives a restart (its bytes are the {@link BlobStaging}'s staged write named in the record). Records are
 * keyed by their exact id and live apart from repositories: a record neither creates nor keeps a repository
 * ({@link RepositoryLinks}), nor goes with one.
 */
public interface UploadSessionStore {

    /** Creates or replaces an upload session record. */
    void putUpload(UploadRecord upload);

    /** The session's record, or empty. */
    Optional<UploadRecord> upload(String id);

    /** Removes a session's record; false if there was no such session. */
    boolean deleteUpload(String id);

    /** Every open session (for expiry), in no particular order. */
    List<UploadRecord> uploads();
}
