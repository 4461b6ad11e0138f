package dev.wharf.core.internal;

import dev.wharf.api.UploadSink;

import java.nio.ByteBuffer;

/**
 * An {@link UploadSink} that forwards every call to another: the base of the engine's sink decorators, which
 * override only the calls they add to (naming failures, making the finish durable, reporting refusals).
 */
abstract class ForwardingUploadSink<T> implements UploadSink<T> {
    protected final UploadSink<T> sink;

    ForwardingUploadSink(UploadSink<T> sink) {
        this.sink = sink;
    }

    @Override
    public void write(ByteBuffer bytes) {
        sink.write(bytes);
    }

    @Override
    public long written() {
        return sink.written();
    }

    @Override
    public T finish() {
        return sink.finish();
    }

    @Override
    public void abort() {
        sink.abort();
    }
}
