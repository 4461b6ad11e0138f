package dev.wharf.core.storage;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StorageException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Blob bytes in heap arrays: for tests and throwaway registries. Nothing survives the JVM, and a blob
 * must fit in one array (under 2 GiB). Staged writes live in the same map so {@link #resume(String)} works
 * while the store is open.
 */
public final class InMemoryBlobStore implements BlobStore, BlobDeletion {
    private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Staged> staged = new ConcurrentHashMap<>();

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        byte[] bytes = blobs.get(digest);
        return bytes == null ? Optional.empty() : Optional.of(new BlobInfo(digest, bytes.length));
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        byte[] bytes = blobs.get(digest);
        if (bytes == null) {
            return Optional.empty();
        }
        // Never offset + length: it overflows for a huge length, and the range would pass.
        if (offset < 0 || length < 0 || offset > bytes.length || length > bytes.length - offset) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside blob of " + bytes.length);
        }
        return Optional.of(new ByteArrayInputStream(bytes, (int) offset, (int) length));
    }

    @Override
    public StagedBlob stage() {
        Staged s = new Staged(UUID.randomUUID().toString());
        staged.put(s.id, s);
        return s;
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        return Optional.ofNullable(staged.get(stagedId));
    }

    /** This store deletes: it is its own {@link BlobDeletion}. */
    @Override
    public Optional<BlobDeletion> deletion() {
        return Optional.of(this);
    }

    @Override
    public boolean delete(Digest digest) {
        return blobs.remove(digest) != null;
    }

    @Override
    public void forEach(Consumer<BlobInfo> visitor) {
        blobs.forEach((d, b) -> visitor.accept(new BlobInfo(d, b.length)));
    }

    @Override
    public void close() {
        staged.clear();
    }

    /** A growable buffer whose length can be cut back. */
    private static final class Buffer extends ByteArrayOutputStream {
        void truncate(int size) {
            count = Math.min(count, size);
        }

        InputStream reader() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }

    private final class Staged implements StagedBlob {
        private final String id;
        private final Buffer buffer = new Buffer();
        private boolean gone;

        Staged(String id) {
            this.id = id;
        }

        private void requirePresent() {
            if (gone) {
                throw new StorageException("staged write " + id + " was discarded");
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public synchronized long size() {
            requirePresent();
            return buffer.size();
        }

        @Override
        public synchronized long append(InputStream in, boolean durable) {
            requirePresent();
            try {
                return in.transferTo(buffer);
            } catch (IOException e) {
                throw new StorageException("cannot read the bytes to stage: " + e, e);
            }
        }

        @Override
        public synchronized void truncate(long size) {
            requirePresent();
            buffer.truncate((int) size);
        }

        @Override
        public synchronized InputStream read() {
            requirePresent();
            return buffer.reader();
        }

        @Override
        public synchronized BlobInfo commit(Digest digest) {
            requirePresent();
            byte[] bytes = buffer.toByteArray();
            blobs.putIfAbsent(digest, bytes);
            discard();
            return new BlobInfo(digest, bytes.length);
        }

        @Override
        public synchronized void discard() {
            gone = true;
            staged.remove(id);
            buffer.reset();
        }
    }
}
