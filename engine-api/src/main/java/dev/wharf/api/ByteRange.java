package dev.wharf.api;

/**
 * An inclusive byte range {@code first..last} of a blob, as in HTTP {@code Range: bytes=first-last}.
 *
 * @param first offset of the first byte, at least 0
 * @param last  offset of the last byte, at least {@code first}
 */
public record ByteRange(long first, long last) {
    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid range " + first + "-" + last);
        }
    }

    /** Number of bytes in the range. */
    public long length() {
        return last - first + 1;
    }
}
