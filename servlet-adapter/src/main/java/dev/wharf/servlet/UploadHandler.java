package dev.wharf.servlet;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import dev.wharf.api.UploadSink;
import dev.wharf.api.UploadStart;
import dev.wharf.api.UploadStatus;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Blob uploads (spec "Pushing blobs", "Pushing a blob in chunks", "Mounting a blob", "Cancel a blob
 * upload"): start, monolithic push and mount (end-4a/4b/4c/11), session status (end-13), chunk (end-5),
 * close (end-6) and cancel (end-14).
 *
 * <p>Request bodies go to the engine as a stream together with the declared {@code Content-Length} and
 * {@code Content-Range}; the engine checks them against each other and against the bytes that arrive, and
 * leaves the session untouched when anything disagrees.
 *
 * <p>Session responses carry {@code Location} (the session URL, opaque to clients), {@code Range:
 * 0-<last accepted byte>} ({@code 0-0} while empty, as CNCF distribution answers) and
 * {@code Docker-Upload-UUID}. A 416 for an out-of-order chunk carries the same headers, read back from the
 * session after the refusal, so the client can resume without another request.
 *
 * <p>A body (chunk, final chunk or single-request push) is received with non-blocking I/O where the servlet
 * runs asynchronously ({@link BodyReceiver}): the engine's {@link UploadSink} is opened first, so a refusal
 * that needs no bytes (unknown session, chunk out of order, no access) is answered before any arrive; a body
 * takes a slot within the upload caps first (429 with {@code Retry-After} beyond them). Without async support,
 * or for a small body that has already arrived whole, the body is read with a blocking read, within the same caps.
 */
final class UploadHandler {
    /** The largest body read at once when it has all arrived with the request's head. */
    static final long ARRIVED_BODY_LIMIT = 64 * 1024;

    private final Registry registry;
    private final ErrorWriter errors;
    private final Transfers transfers;

    UploadHandler(Registry registry, ErrorWriter errors, Transfers transfers) {
        this.registry = registry;
        this.errors = errors;
        this.transfers = transfers;
    }

    /**
     * end-4a/4b/4c/11: {@code POST /v2/<name>/blobs/uploads/}. With {@code mount} (and optionally
     * {@code from}) a mount; else with {@code digest} a single-request push of the body (the engine treats an
     * empty body as a mount without {@code from}); else a new session hashing with {@code digest-algorithm}.
     * 201 when the blob is now linked, 202 with a session otherwise.
     */
    void start(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        QueryParams query = ex.query();
        Optional<String> mount = query.first("mount");
        Optional<String> digest = query.first("digest");
        UploadStart started;
        if (mount.isPresent()) {
            Optional<RepositoryName> from = query.first("from").map(RepositoryName::of);
            started = registry.mount(ex.caller(), name, Digest.parse(mount.get()), from);
        } else if (digest.isPresent()) {
            Digest expected = Digest.parse(digest.get());
            if (ex.hasBody()) {
                Transfers.Slot slot = reserve(ex);
                if (nonBlocking(ex)) {
                    UploadSink<UploadStart> sink = open(slot, () -> registry.openBlobPush(ex.caller(), name,
                            expected, ex.contentLength()));
                    BodyReceiver.receive(ex, errors, transfers, slot, sink, pushed -> answerStart(ex, pushed),
                            refusal -> { });
                    return;
                }
                try (slot) {
                    started = registry.pushBlob(ex.caller(), name, expected,
                            new UploadChunk(ex.body(), ex.contentLength(), Optional.empty()));
                }
            } else {
                started = registry.pushBlob(ex.caller(), name, expected, UploadChunk.empty());
            }
        } else {
            Optional<DigestAlgorithm> algorithm = query.first("digest-algorithm").map(DigestAlgorithm::of);
            started = registry.startUpload(ex.caller(), name, algorithm);
        }
        answerStart(ex, started);
    }

    /** 201 for a blob now linked, 202 with the session to upload into otherwise. */
    private void answerStart(Exchange ex, UploadStart started) {
        if (started.blob().isPresent()) {
            linked(ex, started.blob().get());
        } else {
            UploadStatus session = started.session().orElseThrow();
            sessionHeaders(ex, session);
            registry.minimumChunkSize().ifPresent(min -> ex.setHeader("OCI-Chunk-Min-Length", Long.toString(min)));
            ex.sendEmpty(HttpServletResponse.SC_ACCEPTED);
        }
    }

    /** end-13: {@code GET <location>}; 204 with the accepted range. */
    void status(Exchange ex) {
        UploadStatus session = registry.uploadStatus(ex.caller(), ex.name(), ex.param("id"));
        sessionHeaders(ex, session);
        ex.sendEmpty(HttpServletResponse.SC_NO_CONTENT);
    }

    /** end-5: {@code PATCH <location>}; 202 with the new accepted range, 416 for a chunk out of order. */
    void append(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        String id = ex.param("id");
        if (ex.hasBody() && nonBlocking(ex)) {
            Transfers.Slot slot = reserve(ex);
            UploadSink<UploadStatus> sink = refusable(ex, name, id, () -> open(slot, () -> registry.openUploadAppend(
                    ex.caller(), name, id, ex.contentLength(), ex.contentRange())));
            BodyReceiver.receive(ex, errors, transfers, slot, sink, session -> {
                sessionHeaders(ex, session);
                ex.sendEmpty(HttpServletResponse.SC_ACCEPTED);
            }, refusal -> describeAfterRefusal(ex, name, id, refusal));
            return;
        }
        UploadStatus session;
        try (Transfers.Slot slot = ex.hasBody() ? reserve(ex) : null) {
            UploadChunk chunk = ex.chunk();
            session = refusable(ex, name, id, () -> registry.appendUpload(ex.caller(), name, id, chunk));
        }
        sessionHeaders(ex, session);
        ex.sendEmpty(HttpServletResponse.SC_ACCEPTED);
    }

    /**
     * end-6: {@code PUT <location>?digest=<digest>} with an optional final chunk; 201 with the blob's
     * location. A missing {@code digest} is refused before the body is read.
     */
    void complete(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        String id = ex.param("id");
        Digest digest = Digest.parse(ex.requiredQuery("digest", ErrorCode.DIGEST_INVALID,
                "closing an upload needs the whole blob's digest: PUT <location>?digest=<digest>"));
        if (ex.hasBody() && nonBlocking(ex)) {
            Transfers.Slot slot = reserve(ex);
            UploadSink<BlobInfo> sink = refusable(ex, name, id, () -> open(slot, () -> registry.openUploadComplete(
                    ex.caller(), name, id, digest, ex.contentLength(), ex.contentRange())));
            BodyReceiver.receive(ex, errors, transfers, slot, sink, blob -> linked(ex, blob),
                    refusal -> describeAfterRefusal(ex, name, id, refusal));
            return;
        }
        BlobInfo blob;
        try (Transfers.Slot slot = ex.hasBody() ? reserve(ex) : null) {
            UploadChunk chunk = ex.chunk();
            blob = refusable(ex, name, id, () -> registry.completeUpload(ex.caller(), name, id, digest, chunk));
        }
        linked(ex, blob);
    }

    /**
     * True if this request's body is to be received without holding a thread: the servlet runs async and the body
     * has not already arrived whole. A small body that has (the usual single-request push of a config or a small
     * layer) is read at once: that cannot wait for the client, and it saves the asynchronous round trip.
     */
    private static boolean nonBlocking(Exchange ex) {
        return ex.request().isAsyncSupported() && !ex.bodyArrived(ARRIVED_BODY_LIMIT);
    }

    /** A slot within the upload caps for this request's body, or 429 with {@code Retry-After}. */
    private Transfers.Slot reserve(Exchange ex) {
        try {
            return transfers.reserveUpload(ex.callerKey());
        } catch (RegistryException e) {
            ex.setHeader("Retry-After", Long.toString(Math.max(1, transfers.limits().retryAfter().toSeconds())));
            throw e;
        }
    }

    /** Opens an engine sink for a body, giving {@code slot} back if the engine refuses. */
    private static <T> UploadSink<T> open(Transfers.Slot slot, Supplier<UploadSink<T>> opener) {
        try {
            return opener.get();
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    /** Runs a session call; a refusal (416 above all) is answered with where the session stands. */
    private <T> T refusable(Exchange ex, RepositoryName name, String id, Supplier<T> call) {
        try {
            return call.get();
        } catch (RegistryException e) {
            describeAfterRefusal(ex, name, id, e);
            throw e;
        }
    }

    /** end-14: {@code DELETE <location>}; 204. */
    void cancel(Exchange ex) {
        registry.cancelUpload(ex.caller(), ex.name(), ex.param("id"));
        ex.sendEmpty(HttpServletResponse.SC_NO_CONTENT);
    }

    /** 201 for a blob now linked in the repository (end-4b, end-6, end-11). */
    private static void linked(Exchange ex, BlobInfo blob) {
        ex.setHeader("Location", ex.repositoryPath("/blobs/" + blob.digest()));
        ex.setHeader("Docker-Content-Digest", blob.digest().toString());
        ex.sendEmpty(HttpServletResponse.SC_CREATED);
    }

    private static void sessionHeaders(Exchange ex, UploadStatus session) {
        ex.setHeader("Location", ex.path("/" + session.repository().value() + "/blobs/uploads/" + session.id()));
        ex.setHeader("Range", session.offset() == 0 ? "0-0" : "0-" + (session.offset() - 1));
        ex.setHeader("Docker-Upload-UUID", session.id());
    }

    /**
     * After a 416 (chunk out of order), tell the client where the session stands, as a GET on it would.
     * Best effort: if the session cannot be read back, the 416 goes out without these headers.
     */
    private void describeAfterRefusal(Exchange ex, RepositoryName name, String id, RegistryException refusal) {
        if (refusal.code() != ErrorCode.RANGE_INVALID) {
            return;
        }
        try {
            sessionHeaders(ex, registry.uploadStatus(ex.caller(), name, id));
        } catch (RuntimeException sessionGone) {
            // the refusal is what the client needs to hear; it goes out without the session headers
        }
    }
}
