package dev.wharf.bench.http;

import java.io.IOException;

/** Receives a response body piece by piece, to check or count it without holding it whole. */
@FunctionalInterface
public interface BodySink {
    void accept(byte[] buffer, int offset, int length) throws IOException;
}
