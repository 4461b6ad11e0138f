package dev.wharf.servlet;

import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.ByteRange;
import dev.wharf.api.Digest;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Blobs: pull and existence check (end-2, spec "Pulling blobs" and "Checking if content exists") and
 * delete (end-10, "Deleting Blobs").
 *
 * <p>Bytes are copied from {@link BlobContent#stream()} to the response through one 64 KiB buffer, so a
 * blob of any size is served in constant memory. A single {@code Range} is honoured with 206; an
 * unsatisfiable one answers 416 with {@code Content-Range: bytes *&#47;<size>}; anything else the server
 * does not understand is ignored and the whole blob is served (RFC 9110 section 14.2).
 *
 * <p>A body of {@link #NON_BLOCKING_THRESHOLD} bytes or more is sent with non-blocking I/O where the servlet runs
 * asynchronously ({@link BlobSender}), so a slow reader holds no thread; smaller ones fit the socket's buffers
 * and are written at once, which is faster.
 */
final class BlobHandler {
    /** Copy buffer: large enough to keep syscalls few, small enough for thousands of parallel pulls. */
    /**
     * Largest copy buffer: big enough that per-write container overhead stays off the profile of a
     * multi-GiB pull, small enough that many concurrent pulls fit a small heap. Small blobs get a buffer of
     * their own size.
     */
    static final int BUFFER_SIZE = 256 * 1024;

    /**
     * Bodies at least this large are sent with non-blocking I/O. Below it, a write completes into the kernel's
     * socket buffers without waiting for the client, however slowly it reads.
     */
    static final long NON_BLOCKING_THRESHOLD = 64 * 1024;

    private final Registry registry;
    private final Transfers transfers;

    BlobHandler(Registry registry, Transfers transfers) {
        this.registry = registry;
        this.transfers = transfers;
    }

    /** end-2: GET (body, optionally ranged) and HEAD (headers only) of {@code /v2/<name>/blobs/<digest>}. */
    void read(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        Digest digest = Digest.parse(ex.param("digest"));
        if (!ex.isHead() && ex.request().getHeader("Range") == null && ex.request().getHeader("If-None-Match") == null) {
            serve(ex, name, digest, Optional.empty()); // the common pull: readBlob checks the link and size once
            return;
        }
        Optional<BlobInfo> stat = registry.statBlob(ex.caller(), name, digest);
        if (stat.isEmpty()) {
            // statBlob cannot say whether the blob or the repository is missing; readBlob throws
            // BLOB_UNKNOWN or NAME_UNKNOWN as appropriate (and serves it, should it have arrived meanwhile).
            serve(ex, name, digest, Optional.empty());
            return;
        }
        BlobInfo blob = stat.get();
        if (EntityTags.notModified(ex.request(), digest)) {
            blobHeaders(ex, blob);
            ex.sendEmpty(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        if (ex.isHead()) {
            // Range is defined for GET only (RFC 9110 14.2): HEAD always describes the whole blob.
            blobHeaders(ex, blob);
            ex.response().setContentLengthLong(blob.size());
            ex.response().setStatus(HttpServletResponse.SC_OK);
            return;
        }
        RangeHeaders.Selection selection = rangeRequested(ex, blob)
                ? RangeHeaders.range(ex.request().getHeader("Range"), blob.size())
                : new RangeHeaders.Whole();
        if (selection instanceof RangeHeaders.Unsatisfiable) {
            ex.setHeader("Content-Range", RangeHeaders.unsatisfiedValue(blob.size()));
            throw new RegistryException(ErrorCode.RANGE_INVALID, "range '" + ex.request().getHeader("Range")
                    + "' cannot be satisfied for a blob of " + blob.size() + " bytes",
                    java.util.Map.of("size", blob.size()));
        }
        serve(ex, name, digest, selection instanceof RangeHeaders.Partial partial
                ? Optional.of(partial.range()) : Optional.empty());
    }

    /** end-10: unlinks the blob from this repository only; 202. */
    void delete(Exchange ex) {
        RepositoryName name = ex.name();
        Digest digest = Digest.parse(ex.param("digest"));
        registry.deleteBlob(ex.caller(), name, digest);
        ex.sendEmpty(HttpServletResponse.SC_ACCEPTED);
    }

    private void serve(Exchange ex, RepositoryName name, Digest digest, Optional<ByteRange> range)
            throws IOException {
        BlobContent content = registry.readBlob(ex.caller(), name, digest, range);
        boolean handedOver = false;
        try {
            BlobInfo blob = content.blob();
            HttpServletResponse response = ex.response();
            Optional<java.net.URI> elsewhere = ex.isHead() ? Optional.empty() : content.redirect();
            if (elsewhere.isPresent()) {
                // The blob store serves the bytes itself (a presigned URL): the client follows the redirect there.
                ex.setHeader("Docker-Content-Digest", blob.digest().toString());
                ex.setHeader("Location", elsewhere.get().toASCIIString());
                ex.sendEmpty(HttpServletResponse.SC_TEMPORARY_REDIRECT);
                return;
            }
            blobHeaders(ex, blob);
            response.setContentLengthLong(content.length());
            if (range.isPresent()) {
                long last = content.offset() + content.length() - 1;
                response.setHeader("Content-Range", RangeHeaders.contentRangeValue(content.offset(), last, blob.size()));
                response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            } else {
                response.setStatus(HttpServletResponse.SC_OK);
            }
            if (ex.isHead()) {
                return;
            }
            // A blob still arriving from a mirror's upstream is copied on this request's thread: its reads wait on
            // another server and must not hold the transfers' shared threads or watcher.
            if (content.length() >= NON_BLOCKING_THRESHOLD && ex.request().isAsyncSupported()
                    && !content.fetchedWhileRead()) {
                BlobSender.send(ex, transfers, content, content.stream());
                handedOver = true;
                return;
            }
            try (InputStream in = content.stream()) {
                if (content.length() < BUFFER_SIZE || !(in instanceof java.nio.channels.ReadableByteChannel channel)
                        || !ByteBufferWrites.copy(channel, response.getOutputStream())) {
                    copy(in, response.getOutputStream(), content.length());
                }
            }
        } finally {
            if (!handedOver) {
                content.close();
            }
        }
    }

    /**
     * {@code If-Range} (RFC 9110 13.1.5): a range applies only if the validator still names this blob.
     * The ETag of a blob is its digest, which never changes, so only a different validator disables it.
     */
    private static boolean rangeRequested(Exchange ex, BlobInfo blob) {
        Optional<String> ifRange = ex.requestHeader("If-Range");
        return ifRange.isEmpty() || ifRange.get().trim().equals(EntityTags.of(blob.digest()));
    }

    private static void blobHeaders(Exchange ex, BlobInfo blob) {
        ex.response().setContentType(MediaTypes.OCTET_STREAM);
        ex.setHeader("Docker-Content-Digest", blob.digest().toString());
        ex.setHeader("ETag", EntityTags.of(blob.digest()));
        ex.setHeader("Accept-Ranges", "bytes");
    }

    /**
     * Copies {@code in} to {@code out} in {@link #BUFFER_SIZE} steps. A write failure means the client went
     * away ({@link ClientIOException}); a read failure is the store's and stays a plain IOException.
     */
    static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[(int) Math.max(1, Math.min(BUFFER_SIZE, length))];
        int n;
        while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                throw new ClientIOException(ClientIOException.Direction.WRITING_RESPONSE, "client stopped reading", e);
            }
        }
    }
}
