package dev.wharf.servlet;

import dev.wharf.api.ByteRange;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the two byte-range headers the API uses, kept pure so they are tested without a container.
 *
 * <ul>
 *   <li>{@code Content-Range} on upload PATCH/PUT (spec "Pushing a blob in chunks", end-5/end-6): the spec's
 *       {@code ^[0-9]+-[0-9]+$}, plus the {@code bytes a-b} and {@code bytes=a-b} forms some clients send.
 *       Anything else is a client error (400 BLOB_UPLOAD_INVALID).</li>
 *   <li>{@code Range} on blob GET (spec "Pulling blobs", end-2, RFC 9110 section 14): one range of
 *       {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}. As RFC 9110 allows, a header the server does
 *       not understand (another unit, several ranges, bad syntax) is ignored and the whole blob is served.</li>
 * </ul>
 */
final class RangeHeaders {
    private static final Pattern CONTENT_RANGE =
            Pattern.compile("(?:bytes[ =])?\\s*([0-9]+)-([0-9]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern RANGE_SPEC = Pattern.compile("([0-9]*)-([0-9]*)");
    private static final String BYTES_UNIT = "bytes=";

    private RangeHeaders() {
    }

    /**
     * Parses an upload's {@code Content-Range}; empty when the header is absent.
     *
     * @throws RegistryException BLOB_UPLOAD_INVALID if present but malformed or reversed
     */
    static Optional<ByteRange> contentRange(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (m.matches()) {
            long first = parseOrMax(m.group(1));
            long last = parseOrMax(m.group(2));
            if (first != Long.MAX_VALUE && last != Long.MAX_VALUE && last >= first) {
                return Optional.of(new ByteRange(first, last));
            }
        }
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range '"
                + abbreviate(header) + "': expected <first>-<last>, inclusive byte offsets with first <= last");
    }

    /** What a blob GET with a {@code Range} header should serve. */
    sealed interface Selection permits Whole, Partial, Unsatisfiable {
    }

    /** Serve the whole blob with 200 (no Range, or one this server ignores). */
    record Whole() implements Selection {
    }

    /** Serve {@code range} with 206. */
    record Partial(ByteRange range) implements Selection {
    }

    /** Answer 416 with {@code Content-Range: bytes *&#47;size}. */
    record Unsatisfiable() implements Selection {
    }

    /**
     * Decides what to serve for a {@code Range} header against a blob of {@code size} bytes.
     * The last offset is clamped to {@code size - 1}; a suffix longer than the blob selects all of it.
     */
    static Selection range(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, BYTES_UNIT, 0, BYTES_UNIT.length())) {
            return new Whole();
        }
        String spec = value.substring(BYTES_UNIT.length()).trim();
        Matcher m = RANGE_SPEC.matcher(spec);
        if (spec.indexOf(',') >= 0 || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Whole();
        }
        if (m.group(1).isEmpty()) {
            // Suffix range "-n": the last n bytes. A zero-length suffix selects nothing (RFC 9110 14.1.1).
            long n = parseOrMax(m.group(2));
            if (n == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(Math.max(0, size - n), size - 1));
        }
        long first = parseOrMax(m.group(1));
        long last = m.group(2).isEmpty() ? Long.MAX_VALUE : parseOrMax(m.group(2));
        if (last < first) {
            return new Whole(); // an invalid range-set is ignored, not refused
        }
        if (first >= size) {
            return new Unsatisfiable();
        }
        return new Partial(new ByteRange(first, Math.min(last, size - 1)));
    }

    /** The {@code Content-Range} value of a 206 response. */
    static String contentRangeValue(long first, long last, long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The {@code Content-Range} value of a 416 response. */
    static String unsatisfiedValue(long size) {
        return "bytes */" + size;
    }

    /** A decimal of any length; values beyond {@code long} saturate, which is what every caller wants. */
    private static long parseOrMax(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE; // the patterns admit only digits, so overflow is the one way to get here
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
