package dev.wharf.bench.jmh;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link BlobStore} that reads every staged byte, the way {@code FileSystemBlobStore} does (256 KiB
 * reads), and keeps none of them. With it, an upload through the engine costs what the engine itself adds
 * to hashing the bytes (streams, buffers, bookkeeping), without disk or memory copies in the way.
 */
public final class DiscardingBlobStore implements BlobStore {
    private static final int BUFFER_SIZE = 256 * 1024;

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        return Optional.empty();
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        return Optional.empty();
    }

    @Override
    public StagedBlob stage() {
        return new Discarding(UUID.randomUUID().toString());
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        return Optional.empty();
    }

    @Override
    public void close() {
        // holds nothing
    }

    /** Counts bytes; the buffer is per staged write, as a file store's would be. */
    private static final class Discarding implements StagedBlob {
        private final String id;
        private long size;

        Discarding(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public long append(InputStream in, boolean durable) {
            byte[] buffer = new byte[BUFFER_SIZE];
            long total = 0;
            int n;
            try {
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    total += n;
                }
            } catch (IOException e) {
                throw new StorageException("cannot read the bytes to stage", e);
            }
            size += total;
            return total;
        }

        @Override
        public void truncate(long newSize) {
            size = newSize;
        }

        @Override
        public InputStream read() {
            throw new StorageException("a discarding store cannot read staged bytes back");
        }

        @Override
        public BlobInfo commit(Digest digest) {
            return new BlobInfo(digest, size);
        }

        @Override
        public void discard() {
            size = 0;
        }
    }
}
