package dev.wharf.core.internal;

import dev.wharf.api.UploadSink;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.StorageException;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * Makes a change durable before it is acknowledged: runs it, then waits until the metadata it wrote is
 * durable ({@link MetadataStore#sync()}), after the change has released its locks, so concurrent changes
 * share one flush (group commit). A failed change is synced too, for whatever it did write (a cancelled
 * upload session, say). A store failure the server can name is answered as such: a full store is
 * {@code STORAGE_FULL} (507), not an internal error.
 */
public final class Durability {
    private final MetadataStore meta;

    public Durability(MetadataStore meta) {
        this.meta = meta;
    }

    /** Runs {@code change} and returns its result once what it wrote is durable. */
    public <T> T of(Supplier<T> change) {
        T result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            try {
                meta.sync();
            } catch (RuntimeException syncFailure) {
                e.addSuppressed(syncFailure);
            }
            throw named(e);
        }
        try {
            meta.sync();
        } catch (RuntimeException e) {
            throw named(e);
        }
        return result;
    }

    /** Runs a change that need not wait for durability, answering named store failures as {@link #of} does. */
    public <T> T withoutSync(Supplier<T> change) {
        try {
            return change.get();
        } catch (RuntimeException e) {
            throw named(e);
        }
    }

    private static RuntimeException named(RuntimeException e) {
        if (e instanceof StorageException storage && storage.condition() == StorageException.Condition.FULL) {
            return Errors.storageFull(e);
        }
        return e;
    }

    /**
     * A sink whose failures are named as {@link #withoutSync} names them and whose {@link UploadSink#finish()}
     * returns once what it wrote is durable, as {@link #of} does.
     */
    public <T> UploadSink<T> of(UploadSink<T> sink) {
        return new ForwardingUploadSink<>(sink) {
            @Override
            public void write(ByteBuffer bytes) {
                try {
                    sink.write(bytes); // once per buffer of a body: no allocation here
                } catch (RuntimeException e) {
                    throw named(e);
                }
            }

            @Override
            public T finish() {
                return Durability.this.of(sink::finish);
            }

            @Override
            public void abort() {
                try {
                    sink.abort();
                } catch (RuntimeException e) {
                    throw named(e);
                }
            }
        };
    }

    /** Runs {@code change} and returns once what it wrote is durable. */
    public void run(Runnable change) {
        of(() -> {
            change.run();
            return null;
        });
    }
}
