package dev.wharf.bench.http;

import java.io.IOException;
import java.io.OutputStream;

/** A request body of known length, written straight to the socket. */
public interface BodySource {
    long length();

    void writeTo(OutputStream out) throws IOException;

    /** A body of exactly these bytes. */
    static BodySource of(byte[] bytes) {
        return new BodySource() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes);
            }
        };
    }

    /** No body ({@code Content-Length: 0}). */
    static BodySource empty() {
        return of(new byte[0]);
    }
}
