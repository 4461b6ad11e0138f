package dev.wharf.core.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;

/**
 * Feeds every byte read into a hasher and counts them. A failure reading the client's stream is rethrown
 * as the unchecked {@link ClientBodyException}, which stores let through unchanged (see
 * {@link dev.wharf.spi.StagedBlob#append}), so the engine can tell a short or broken request body (the
 * client's fault, a 400) from a storage failure (the registry's, a 500).
 */
final class HashingInputStream extends FilterInputStream {
    private final MessageDigest hasher;
    private long count;

    HashingInputStream(InputStream in, MessageDigest hasher) {
        super(in);
        this.hasher = hasher;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw new ClientBodyException(e);
        }
        if (n > 0) {
            hasher.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // every byte must be hashed; callers read instead
    }

    /** The client's request body could not be read to its end. */
    static final class ClientBodyException extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        ClientBodyException(IOException cause) {
            super("request body could not be read: " + cause.getMessage(), cause);
        }
    }
}
