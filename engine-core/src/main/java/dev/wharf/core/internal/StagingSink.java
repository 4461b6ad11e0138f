package dev.wharf.core.internal;

import dev.wharf.api.UploadSink;
import dev.wharf.spi.StagedWriter;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.OptionalLong;

/**
 * What every engine {@link UploadSink} does with the bytes: hashes them, hands them to the store's
 * {@link StagedWriter} and holds them to the declared length. From a body's first piece of
 * {@value BackgroundPieces#MIN_PIECE} bytes or more, while fewer than {@value BackgroundPieces#BODIES} bodies do,
 * the hashing and writing run on a background thread ({@link BackgroundPieces}) while the caller receives the
 * next piece; {@link #finish}, a failure and {@link #abort} wait for them. Subclasses say what a finished body
 * becomes ({@link #complete}) and how an abandoned one is undone ({@link #rollback}); each is called exactly once,
 * and only one of them.
 */
abstract class StagingSink<T> implements UploadSink<T> {
    private final StagedWriter out;
    private final MessageDigest hasher;
    private final OptionalLong expected;
    private final boolean durable;
    private long count;
    private boolean done;
    /**
     * Set at the body's first large piece while fewer than {@value BackgroundPieces#BODIES} bodies use one; from
     * then on every piece is hashed and written in the background.
     */
    private BackgroundPieces background;

    StagingSink(StagedWriter out, MessageDigest hasher, OptionalLong expected, boolean durable) {
        this.out = out;
        this.hasher = hasher;
        this.expected = expected;
        this.durable = durable;
    }

    @Override
    public final void write(ByteBuffer bytes) {
        ensureOpen();
        int n = bytes.remaining();
        try {
            if (expected.isPresent() && count + n > expected.getAsLong()) {
                throw Errors.sizeMismatch(expected.getAsLong(), count + n);
            }
            if (background == null && n >= BackgroundPieces.MIN_PIECE) {
                background = BackgroundPieces.open(this::hashAndWrite).orElse(null);
            }
            if (background != null) {
                background.submit(bytes);
            } else {
                hashAndWrite(bytes);
            }
            count += n;
        } catch (RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    private void hashAndWrite(ByteBuffer bytes) {
        hasher.update(bytes.duplicate());
        out.write(bytes);
    }

    @Override
    public final long written() {
        return count;
    }

    @Override
    public final T finish() {
        ensureOpen();
        try {
            if (expected.isPresent() && count != expected.getAsLong()) {
                throw Errors.bodyEnded(count, expected, null);
            }
            if (background != null) {
                background.await();
                background.close();
            }
            out.finish(durable);
        } catch (RuntimeException e) {
            fail(e);
            throw e;
        }
        done = true;
        return complete(count);
    }

    @Override
    public final void abort() {
        if (!done) {
            fail(null);
        }
    }

    /** The body arrived whole and is staged (durably if asked): make it what it is for. Owns cleanup on failure. */
    protected abstract T complete(long count);

    /** Undo everything the body did; failures are recorded on {@code primary} when there is one. */
    protected abstract void rollback(Throwable primary);

    private void fail(Throwable primary) {
        done = true;
        if (background != null) {
            background.close(); // never close the writer under a piece being written
        }
        try {
            out.close();
        } catch (RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
        rollback(primary);
    }

    private void ensureOpen() {
        if (done) {
            throw new IllegalStateException("this upload body was already finished or abandoned");
        }
    }
}
