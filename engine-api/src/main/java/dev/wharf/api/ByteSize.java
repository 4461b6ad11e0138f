package dev.wharf.api;

import java.util.Locale;

/**
 * Byte counts as people write them in configuration and read them in messages: {@code 10MiB}, {@code 512 KiB},
 * {@code 2GB}, {@code 1048576}. Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (kB, KB, MB,
 * GB, TB) powers of 1000, and {@code B} or no unit means bytes; a fraction is allowed before a unit
 * ({@code 1.5GiB}). Units are case-insensitive.
 */
public final class ByteSize {
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private ByteSize() {
    }

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static long parse(String text) {
        String s = text == null ? "" : text.trim();
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size: expected a number of bytes with an"
                    + " optional unit, such as 10MiB, 512KiB, 2GB or 1048576");
        }
        double number;
        try {
            number = Double.parseDouble(s.substring(0, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size: '" + s.substring(0, end)
                    + "' is not a number");
        }
        String unit = s.substring(end).trim().toLowerCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1000L;
            case "kib" -> 1L << 10;
            case "m", "mb" -> 1000_000L;
            case "mib" -> 1L << 20;
            case "g", "gb" -> 1000_000_000L;
            case "gib" -> 1L << 30;
            case "t", "tb" -> 1000_000_000_000L;
            case "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + s.substring(end).trim()
                    + "': use B, KiB, MiB, GiB, TiB (powers of 1024) or kB, MB, GB, TB (powers of 1000)");
        };
        double bytes = number * multiplier;
        if (bytes > Long.MAX_VALUE || (multiplier == 1 && number != Math.rint(number))) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes up to "
                    + Long.MAX_VALUE);
        }
        return (long) Math.floor(bytes);
    }

    /** A size for people: exact bytes below 1 KiB, otherwise the largest binary unit with up to one decimal. */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1024 && unit < BINARY.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + BINARY[unit];
    }
}
