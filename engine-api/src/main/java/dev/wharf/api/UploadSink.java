package dev.wharf.api;

import java.nio.ByteBuffer;

/**
 * A request body handed to the engine piece by piece as it arrives, for HTTP layers that read bodies without
 * holding a thread for each one (Servlet non-blocking I/O, an event loop). Opened by
 * {@link Registry#openUploadAppend}, {@link Registry#openUploadComplete} or {@link Registry#openBlobPush};
 * it gives the same guarantees as the stream-taking methods it stands beside: the bytes are hashed and
 * staged as they come, nothing is acknowledged before {@link #finish()}, and a body that fails or is
 * {@link #abort() abandoned} leaves the upload session exactly where it was.
 *
 * <pre>{@code
 * try (UploadSink<UploadStatus> sink = registry.openUploadAppend(caller, repo, id, length, range)) {
 *     while (moreBytes) {
 *         sink.write(nextBuffer);
 *     }
 *     UploadStatus status = sink.finish();
 * } // closing an unfinished sink aborts it
 * }</pre>
 *
 * <p>A sink holds its upload session until it is finished or aborted: other requests on the same session are
 * refused meanwhile (416 with the acknowledged range). Calls may come from different threads, one at a time
 * (the servlet container's callbacks); a sink is not safe for concurrent use.
 *
 * @param <T> what a finished body yields: the session's new state, the published blob, or how a push ended
 */
public interface UploadSink<T> extends AutoCloseable {

    /**
     * Takes the bytes between {@code bytes}' position and limit, and leaves it consumed.
     *
     * @throws RegistryException SIZE_INVALID when the body runs past its declared length, or another
     *                           failure of the store; the sink is aborted when this is thrown
     */
    void write(ByteBuffer bytes);

    /** Bytes written so far. */
    long written();

    /**
     * The body has ended: checks it against what was declared, makes it durable and returns the result. The
     * sink is done afterwards, whether this returns or throws (a refused body is rolled back first).
     *
     * @throws RegistryException SIZE_INVALID when fewer bytes came than were declared, DIGEST_INVALID for a
     *                           blob that does not match its digest, STORAGE_FULL when the store is full
     */
    T finish();

    /**
     * Abandons the body (the client went away, or was too slow): the session goes back to the bytes it had
     * acknowledged before, and stays open for the client to resume. Idempotent; does nothing after
     * {@link #finish()}.
     */
    void abort();

    /** Aborts the sink unless it was finished. */
    @Override
    default void close() {
        abort();
    }
}
