package dev.wharf.s3;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.StorageException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One staged write of an {@link S3BlobStore}: durable pieces under {@code uploads/<id>/}, named by their offset,
 * plus the bytes of non-durable appends held here until they fill a part or are made durable.
 *
 * <p>Invariants of the pieces: contiguous from offset 0; a write that exists has a piece at offset 0 (possibly
 * empty); every piece but the last is at least {@link S3BlobStore#S3_MINIMUM_PART} bytes, so that commit can
 * compose them as multipart parts. This instance's view of the pieces is re-read from the store before an
 * operation whenever the write may have moved on elsewhere (another node continuing the upload).
 */
final class S3StagedBlob implements StagedBlob {
    private static final int FIRST_BUFFER = 64 * 1024;
    private static final byte[] NONE = new byte[0];

    private final S3BlobStore store;
    private final String id;
    private final List<Piece> pieces = new ArrayList<>();
    private byte[] pending = NONE;
    private int pendingLength;
    /** Whether this write has had durable pieces: once true, finding none means it is gone. */
    private boolean durable;
    private boolean gone;

    /** One durable piece: {@code length} bytes at {@code offset}. */
    private record Piece(long offset, long length, String key) {
        long end() {
            return offset + length;
        }
    }

    S3StagedBlob(S3BlobStore store, String id, boolean resumed) {
        this.store = store;
        this.id = id;
        this.durable = false;
        if (resumed) {
            reload();
        }
    }

    /** Whether the write has durable pieces (after {@code resume}). */
    boolean exists() {
        return durable;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long size() {
        checkLive();
        return end() + pendingLength;
    }

    @Override
    public long append(InputStream in, boolean durableOnReturn) {
        checkLive();
        long added = 0;
        while (true) {
            if (pendingLength == pending.length && !makeRoom()) {
                flush();
            }
            int n;
            try {
                n = in.read(pending, pendingLength, pending.length - pendingLength);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the bytes to stage failed", e);
            }
            if (n < 0) {
                break;
            }
            pendingLength += n;
            added += n;
        }
        if (durableOnReturn) {
            flush();
        }
        return added;
    }

    /** A writer that copies each piece into the pending part, writing a piece whenever a part is full. */
    @Override
    public StagedWriter writer() {
        checkLive();
        return new StagedWriter() {
            @Override
            public void write(ByteBuffer bytes) {
                while (bytes.hasRemaining()) {
                    if (pendingLength == pending.length && !makeRoom()) {
                        flush();
                    }
                    int n = Math.min(bytes.remaining(), pending.length - pendingLength);
                    bytes.get(pending, pendingLength, n);
                    pendingLength += n;
                }
            }

            @Override
            public void finish(boolean durableOnReturn) {
                if (durableOnReturn) {
                    flush();
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void truncate(long size) {
        checkLive();
        long end = end();
        if (size < 0 || size > end + pendingLength) {
            throw new IllegalArgumentException("cannot cut " + (end + pendingLength) + " staged bytes back to " + size);
        }
        if (size >= end) {
            pendingLength = (int) (size - end);
            return;
        }
        pendingLength = 0;
        // From the end backwards, so that a crash part-way leaves the pieces contiguous from 0.
        for (int i = pieces.size() - 1; i > 0 && pieces.get(i).offset() >= size; i--) {
            String key = pieces.remove(i).key();
            store.call("cut back upload " + id, () -> store.client().deleteObject(b -> b.bucket(store.bucket()).key(key)));
        }
        Piece last = pieces.get(pieces.size() - 1);
        if (last.end() > size) {
            long keep = size - last.offset();
            put(last.key(), keep == 0 ? InputStream::nullInputStream
                    : () -> getRange(last.key(), 0, keep), keep);
            pieces.set(pieces.size() - 1, new Piece(last.offset(), keep, last.key()));
        }
    }

    @Override
    public InputStream read() {
        checkLive();
        List<Piece> snapshot = List.copyOf(pieces);
        byte[] tail = Arrays.copyOf(pending, pendingLength);
        return new SequenceInputStream(new java.util.Enumeration<>() {
            private int next;

            @Override
            public boolean hasMoreElements() {
                return next <= snapshot.size();
            }

            @Override
            public InputStream nextElement() {
                int i = next++;
                if (i == snapshot.size()) {
                    return new ByteArrayInputStream(tail);
                }
                Piece piece = snapshot.get(i);
                return piece.length() == 0 ? InputStream.nullInputStream() : getRange(piece.key(), 0, piece.length());
            }
        });
    }

    @Override
    public BlobInfo commit(Digest digest) {
        checkLive();
        Optional<BlobInfo> existing = store.stat(digest);
        if (existing.isPresent()) {
            discard();
            return existing.get();
        }
        long size = end() + pendingLength;
        String key = store.blobKey(digest);
        if (pieces.isEmpty()) {
            byte[] bytes = pending;
            int length = pendingLength;
            store.call("publish " + digest, () -> store.client().putObject(b -> b.bucket(store.bucket()).key(key),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                            "application/octet-stream")));
        } else {
            flush();
            if (pieces.size() == 1) {
                String source = pieces.get(0).key();
                store.call("publish " + digest, () -> store.client().copyObject(b -> b.sourceBucket(store.bucket())
                        .sourceKey(source).destinationBucket(store.bucket()).destinationKey(key)));
            } else {
                compose(digest, key);
            }
        }
        gone = true;
        pending = NONE;
        pendingLength = 0;
        try {
            deletePieces();
            pieces.clear();
            durable = false;
        } catch (StorageException e) {
            // Published: leftover pieces cost space, not correctness; a discard of this write or a lifecycle
            // rule on uploads/ removes them.
        }
        return new BlobInfo(digest, size);
    }

    /** Publishes the pieces as one object through a multipart upload of server-side part copies. */
    private void compose(Digest digest, String key) {
        if (pieces.size() > S3BlobStore.S3_MAXIMUM_PARTS) {
            throw new StorageException("blob " + digest + " has " + pieces.size() + " parts, more than S3's "
                    + S3BlobStore.S3_MAXIMUM_PARTS + ": configure a larger part size");
        }
        String bucket = store.bucket();
        String uploadId = store.call("start publishing " + digest,
                () -> store.client().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>(pieces.size());
            for (int i = 0; i < pieces.size(); i++) {
                int number = i + 1;
                String source = pieces.get(i).key();
                UploadPartCopyResponse copied = store.call("publish " + digest, () -> store.client().uploadPartCopy(b -> b
                        .sourceBucket(bucket).sourceKey(source).destinationBucket(bucket).destinationKey(key)
                        .uploadId(uploadId).partNumber(number)));
                parts.add(CompletedPart.builder().partNumber(number).eTag(copied.copyPartResult().eTag()).build());
            }
            store.call("publish " + digest, () -> store.client().completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
        } catch (RuntimeException e) {
            try {
                store.client().abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    @Override
    public void discard() {
        boolean hadPieces = durable || !pieces.isEmpty();
        gone = true;
        pending = NONE;
        pendingLength = 0;
        pieces.clear();
        if (hadPieces) {
            deletePieces();
            durable = false; // deleted: a second discard has nothing to do
        }
    }

    // --- pieces ----------------------------------------------------------------------------------------------

    private void checkLive() {
        store.checkOpen();
        if (gone) {
            throw goneException();
        }
        if (durable && pendingLength == 0) {
            // Another node may have appended or cut back since this instance last looked.
            reload();
            if (!durable) {
                gone = true;
                throw goneException();
            }
        }
    }

    private StorageException goneException() {
        return new StorageException("staged write " + id + " is gone (committed or discarded)");
    }

    /** Re-reads the pieces from the store: the contiguous run from offset 0. */
    private void reload() {
        String prefix = store.uploadPrefix(id);
        List<Piece> found = new ArrayList<>();
        store.listObjects(prefix, object -> {
            String name = object.key().substring(prefix.length());
            if (name.length() == 19 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
                found.add(new Piece(Long.parseLong(name), object.size(), object.key()));
            }
        });
        found.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        pieces.clear();
        long expected = 0;
        for (Piece piece : found) {
            if (piece.offset() != expected) {
                break;
            }
            pieces.add(piece);
            expected = piece.end();
        }
        durable = !pieces.isEmpty();
    }

    private long end() {
        return pieces.isEmpty() ? 0 : pieces.get(pieces.size() - 1).end();
    }

    /** Grows the pending buffer toward a part; false when it already holds a whole part. */
    private boolean makeRoom() {
        int partSize = store.partSize();
        if (pending.length >= partSize) {
            return false;
        }
        int capacity = (int) Math.min(partSize, Math.max(FIRST_BUFFER, 2L * pending.length));
        pending = Arrays.copyOf(pending, capacity);
        return true;
    }

    /**
     * Makes the pending bytes durable: a new piece, or, while the last piece is below S3's minimum part, that
     * piece rewritten with them appended. Also makes an empty write exist durably (an empty piece at 0).
     */
    private void flush() {
        if (pendingLength == 0 && !pieces.isEmpty()) {
            return;
        }
        byte[] tail = Arrays.copyOf(pending, pendingLength);
        Piece last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
        if (last != null && last.length() < S3BlobStore.S3_MINIMUM_PART) {
            long length = last.length() + tail.length;
            put(last.key(), () -> new SequenceInputStream(
                    last.length() == 0 ? InputStream.nullInputStream() : getRange(last.key(), 0, last.length()),
                    new ByteArrayInputStream(tail)), length);
            pieces.set(pieces.size() - 1, new Piece(last.offset(), length, last.key()));
        } else {
            long offset = end();
            String key = store.uploadPrefix(id) + String.format("%019d", offset);
            put(key, () -> new ByteArrayInputStream(tail), tail.length);
            pieces.add(new Piece(offset, tail.length, key));
        }
        pendingLength = 0;
        durable = true;
    }

    private void put(String key, Supplier<InputStream> content, long length) {
        store.call("stage bytes of upload " + id, () -> store.client().putObject(b -> b.bucket(store.bucket()).key(key),
                RequestBody.fromContentProvider(content::get, length, "application/octet-stream")));
    }

    private InputStream getRange(String key, long offset, long length) {
        return new S3BlobStore.ObjectStream(store.call("read staged bytes of upload " + id,
                () -> store.client().getObject(b -> b.bucket(store.bucket()).key(key)
                        .range("bytes=" + offset + "-" + (offset + length - 1)))), length);
    }

    /** Deletes every object under this write's prefix, in batches. */
    private void deletePieces() {
        List<ObjectIdentifier> keys = new ArrayList<>();
        store.listObjects(store.uploadPrefix(id), object -> keys.add(ObjectIdentifier.builder().key(object.key()).build()));
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
            store.call("discard upload " + id, () -> store.client().deleteObjects(b -> b.bucket(store.bucket())
                    .delete(d -> d.objects(batch).quiet(true))));
        }
    }
}
