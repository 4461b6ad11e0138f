package dev.wharf.core.internal;

import dev.wharf.api.BlobContent;
import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StagedWriter;
import dev.wharf.spi.UpstreamClient.FetchedBlob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One blob coming from the upstream: what the client reads passes into the staged write and the hash. When
 * the last byte has arrived the whole is checked against the digest, before that byte reaches the client; the
 * blob is then published at the end of the stream or when it is closed, whichever comes first.
 */
final class UpstreamBlobFetch implements BlobContent {
    /**
     * The slowest average an upstream may send a blob at, counted over the time spent waiting for it once that
     * exceeds a read timeout: each read is bounded by the timeout, and this bounds a trickle that never trips it.
     */
    static final long MIN_UPSTREAM_BYTES_PER_SECOND = 16 * 1024;

    private final Digest digest;
    private final String host;
    private final Duration readTimeout;
    private final FetchedBlob fetched;
    private final StagedBlob staged;
    private final StagedWriter writer;
    private final Supplier<BlobInfo> publisher;
    private final BiConsumer<BlobInfo, Throwable> onEnd;
    private final MessageDigest hasher;
    private final long size;
    /** Time spent waiting on the upstream's reads (not on the client taking the bytes). */
    private long waited;
    private long count;
    private boolean ended;
    private boolean verified;
    private boolean published;
    private boolean streamed;

    /**
     * @param publisher publishes the staged blob once verified (commit and link, made durable)
     * @param onEnd     told once how it ended: the blob stored, or the failure
     */
    UpstreamBlobFetch(Digest digest, String host, Duration readTimeout, FetchedBlob fetched,
                      long size, StagedBlob staged, StagedWriter writer, Supplier<BlobInfo> publisher,
                      BiConsumer<BlobInfo, Throwable> onEnd) {
        this.digest = digest;
        this.host = host;
        this.readTimeout = readTimeout;
        this.fetched = fetched;
        this.staged = staged;
        this.writer = writer;
        this.publisher = publisher;
        this.onEnd = onEnd;
        this.hasher = digest.algorithm().newMessageDigest();
        this.size = size;
    }

    @Override
    public boolean fetchedWhileRead() {
        return true;
    }

    @Override
    public BlobInfo blob() {
        return new BlobInfo(digest, size);
    }

    @Override
    public long offset() {
        return 0;
    }

    @Override
    public long length() {
        return size;
    }

    @Override
    public synchronized InputStream stream() {
        if (streamed) {
            throw new IllegalStateException("blob content already read");
        }
        streamed = true;
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return UpstreamBlobFetch.this.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                UpstreamBlobFetch.this.close();
            }
        };
    }

    /** Reads the whole blob into the store without a client (a range, or a length the upstream did not say). */
    void drain() {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (read(buffer, 0, buffer.length) >= 0) {
                // stored as it passes
            }
        } catch (IOException e) {
            throw Errors.upstreamUnavailable(e.getMessage(), 0);
        } finally {
            closeQuietly();
        }
    }

    synchronized int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            publish();
            return -1;
        }
        int n;
        long asked = System.nanoTime();
        try {
            n = fetched.body().read(b, off, len);
            waited += System.nanoTime() - asked;
        } catch (IOException e) {
            abandon(new IOException(host + " broke off blob " + digest + " after " + count + " bytes: "
                    + e.getMessage(), e));
            throw e;
        }
        if (n < 0) {
            if (size >= 0 && count != size) {
                throw abandon(new IOException(host + " ended blob " + digest + " after " + count
                        + " of " + size + " bytes"));
            }
            verify();
            publish();
            return -1;
        }
        count += n;
        if (waited > readTimeout.toNanos()
                && count * 1_000_000_000.0 / waited < MIN_UPSTREAM_BYTES_PER_SECOND) {
            throw abandon(new IOException(host + " sent blob " + digest + " at under "
                    + MIN_UPSTREAM_BYTES_PER_SECOND + " bytes/s on average (" + count + " bytes in "
                    + waited / 1_000_000 + " ms of waiting); nothing was stored"));
        }
        if (size >= 0 && count > size) {
            throw abandon(new IOException(host + " sent more of blob " + digest + " than the " + size
                    + " bytes it announced"));
        }
        hasher.update(b, off, n);
        try {
            writer.write(ByteBuffer.wrap(b, off, n));
        } catch (RuntimeException e) {
            throw abandon(new IOException("storing blob " + digest + " failed: " + e.getMessage(), e));
        }
        if (size >= 0 && count == size) {
            verify(); // before the last bytes leave: a mismatch cuts the client off short of the end
        }
        return n;
    }

    /** Checks the whole blob against its digest; a mismatch abandons it and throws. */
    private void verify() throws IOException {
        ended = true;
        Digest actual = Digest.of(digest.algorithm(), hasher.digest());
        if (!actual.equals(digest)) {
            throw abandon(new IOException(host + " sent bytes for blob " + digest + " that hash to "
                    + actual + "; nothing was stored"));
        }
        verified = true;
    }

    /**
     * Publishes the verified blob and links it, once: at the end of the stream, or when the stream is closed
     * after its last (verified) bytes were handed on, so that the client need not wait for the store's flush.
     */
    private void publish() throws IOException {
        if (!verified || published) {
            return;
        }
        published = true;
        BlobInfo info;
        try {
            writer.finish(false);
            info = publisher.get();
        } catch (RuntimeException e) {
            throw abandon(new IOException("storing blob " + digest + " failed: " + e.getMessage(), e));
        }
        onEnd.accept(info, null);
    }

    /** Drops what was staged and lets waiting pulls go on; returns {@code failure} to throw. */
    private IOException abandon(IOException failure) {
        ended = true;
        writer.close();
        BlobPublisher.discardQuietly(staged, failure);
        onEnd.accept(null, failure);
        return failure;
    }

    private void closeQuietly() {
        try {
            fetched.close();
        } catch (IOException | RuntimeException e) {
            // the upstream's connection is of no further use either way
        }
    }

    @Override
    public synchronized void close() {
        if (!ended) {
            abandon(new IOException("the pull of blob " + digest + " ended before the blob did"));
        } else {
            try {
                publish();
            } catch (IOException e) {
                // abandoned: nothing is stored, and the waiting pulls fetch it themselves
            }
        }
        closeQuietly();
    }
}
