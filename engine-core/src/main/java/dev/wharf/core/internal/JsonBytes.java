package dev.wharf.core.internal;

import java.util.Arrays;

/**
 * A JSON document written straight into a growing byte array, for the webhook payloads ({@link WebhookPayloads}):
 * a delivery thread writes one object per event, and Jackson's generator took about a third of that thread's CPU.
 * Field names are given pre-encoded ({@link #name}). Strings are escaped as RFC 8259 requires: the short escapes
 * for backspace, tab, line feed, form feed and carriage return, <code>&#92;u00XX</code> for the other control
 * characters, characters beyond the Basic Multilingual Plane as their surrogate pairs' escapes, a lone surrogate
 * (which no encoding can carry) as {@code ?}, the rest as UTF-8: the bytes Jackson's generator writes, save that
 * lone surrogate. Commas are placed by looking at the last byte written: after an opening bracket or brace, or a
 * field's name, none is needed. Not thread-safe; one document per instance.
 */
final class JsonBytes {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    /** An empty document with room for {@code capacity} bytes before it grows. */
    JsonBytes(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** {@code "name":} as bytes, for {@link #field}: field names are constants, encoded once. */
    static byte[] name(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                throw new IllegalArgumentException("not a plain field name: " + name);
            }
        }
        return ("\"" + name + "\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** <code>{</code>, after a comma if a value came before. */
    JsonBytes beginObject() {
        separate();
        put((byte) '{');
        return this;
    }

    /** <code>}</code>. */
    JsonBytes endObject() {
        put((byte) '}');
        return this;
    }

    /** {@code [}, after a comma if a value came before. */
    JsonBytes beginArray() {
        separate();
        put((byte) '[');
        return this;
    }

    /** {@code ]}. */
    JsonBytes endArray() {
        put((byte) ']');
        return this;
    }

    /** Starts the value of field {@code name} (from {@link #name}); follow with a value or {@link #beginObject}. */
    JsonBytes field(byte[] name) {
        separate();
        putAll(name);
        return this;
    }

    /** A field with a string value, or {@code null} for a null one. */
    JsonBytes field(byte[] name, String value) {
        field(name);
        if (value == null) {
            putAscii("null");
        } else {
            string(value);
        }
        return this;
    }

    /** A field with a number value. */
    JsonBytes field(byte[] name, long value) {
        field(name);
        number(value);
        return this;
    }

    /** A field whose value is {@code value}'s decimal digits as a string, e.g. {@code "id":"42"}. */
    JsonBytes fieldQuotedNumber(byte[] name, long value) {
        field(name);
        put((byte) '"');
        number(value);
        put((byte) '"');
        return this;
    }

    /** The document so far. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** A comma unless a value follows an opening bracket or brace or a field name, or nothing was written. */
    private void separate() {
        if (length > 0) {
            byte last = bytes[length - 1];
            if (last != '{' && last != '[' && last != ':') {
                put((byte) ',');
            }
        }
    }

    private void number(long value) {
        if (value == Long.MIN_VALUE) {
            putAscii(Long.toString(value));
            return;
        }
        if (value < 0) {
            put((byte) '-');
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
    }

    private void string(String value) {
        int n = value.length();
        ensure(n + 2);
        bytes[length++] = '"';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                if (length == bytes.length) {
                    ensure(n - i + 1);
                }
                bytes[length++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else {
                i = encode(value, i);
            }
        }
        put((byte) '"');
    }

    private void escape(char c) {
        ensure(6);
        bytes[length++] = '\\';
        switch (c) {
            case '"' -> bytes[length++] = '"';
            case '\\' -> bytes[length++] = '\\';
            case '\b' -> bytes[length++] = 'b';
            case '\t' -> bytes[length++] = 't';
            case '\n' -> bytes[length++] = 'n';
            case '\f' -> bytes[length++] = 'f';
            case '\r' -> bytes[length++] = 'r';
            default -> {
                length--;
                unicodeEscape(c);
            }
        }
    }

    private void unicodeEscape(char c) {
        ensure(6);
        bytes[length++] = '\\';
        bytes[length++] = 'u';
        bytes[length++] = HEX[c >> 12];
        bytes[length++] = HEX[c >> 8 & 0xf];
        bytes[length++] = HEX[c >> 4 & 0xf];
        bytes[length++] = HEX[c & 0xf];
    }

    /**
     * Writes the non-ASCII character at {@code i}: as UTF-8, or a surrogate pair as its two escapes (as Jackson
     * writes them); returns the index of its last char (a pair's low one).
     */
    private int encode(String value, int i) {
        char c = value.charAt(i);
        ensure(4);
        if (c < 0x800) {
            bytes[length++] = (byte) (0xc0 | c >> 6);
            bytes[length++] = (byte) (0x80 | c & 0x3f);
        } else if (!Character.isSurrogate(c)) {
            bytes[length++] = (byte) (0xe0 | c >> 12);
            bytes[length++] = (byte) (0x80 | c >> 6 & 0x3f);
            bytes[length++] = (byte) (0x80 | c & 0x3f);
        } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1))) {
            unicodeEscape(c);
            unicodeEscape(value.charAt(i + 1));
            return i + 1;
        } else {
            bytes[length++] = '?';
        }
        return i;
    }

    private void putAscii(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
    }

    private void putAll(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
    }

    private void put(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    private void ensure(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
