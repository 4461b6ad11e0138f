package dev.wharf.api;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A request body sent to an upload: the byte stream plus what the client declared about it.
 * The engine checks the declarations against each other and against the bytes that actually arrive,
 * and rolls the session back to where it was if they disagree.
 *
 * @param body          the bytes; may be empty
 * @param contentLength the declared length ({@code Content-Length}), if any
 * @param contentRange  the declared range ({@code Content-Range: first-last}), if any
 */
public record UploadChunk(InputStream body, OptionalLong contentLength, Optional<ByteRange> contentRange) {
    public UploadChunk {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentLength, "contentLength");
        Objects.requireNonNull(contentRange, "contentRange");
    }

    /** A body with no declared length or range. */
    public static UploadChunk of(InputStream body) {
        return new UploadChunk(body, OptionalLong.empty(), Optional.empty());
    }

    /** A body of known length. */
    public static UploadChunk of(byte[] bytes) {
        return new UploadChunk(new java.io.ByteArrayInputStream(bytes), OptionalLong.of(bytes.length), Optional.empty());
    }

    /** No body at all. */
    public static UploadChunk empty() {
        return of(new byte[0]);
    }
}
