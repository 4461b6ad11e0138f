package dev.wharf.servlet.limit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One budget's size: {@code amount} tokens come back every {@code per}, and at most {@code burst} are saved up. A
 * client that has been idle may spend {@code burst} at once; after that it gets {@code amount} per {@code per},
 * evenly spread (a token every {@code per / amount}). For requests a token is one request; for upload bytes, one
 * byte.
 *
 * <p>Written {@code AMOUNT/UNIT}: {@code 100/s}, {@code 6000/m}, {@code 50MiB/s} ({@link #parse}); the burst is
 * the amount unless {@link #withBurst} says otherwise. Immutable.
 *
 * @param amount tokens per period, at least 1
 * @param per    the period, from a millisecond to a day
 * @param burst  the most tokens saved up, at least 1
 */
public record Rate(long amount, Duration per, long burst) {
    /** The longest period a rate may have. */
    public static final Duration LONGEST_PERIOD = Duration.ofDays(1);
    /** The shortest period a rate may have. */
    public static final Duration SHORTEST_PERIOD = Duration.ofMillis(1);

    /**
     * Where a time computed from a number of tokens stops growing (ten years), so that sums of such times never
     * overflow; no budget needs longer.
     */
    static final long SATURATION_NANOS = Duration.ofDays(3_653).toNanos();
    private static final Pattern TEXT = Pattern.compile("(\\d{1,15})\\s*([kmgt]i?b|b)?\\s*/\\s*(s|sec|m|min|h|hour)");
    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,15})\\s*([kmgt]i?b|b)?");

    /** Checks the parts; see the class description. */
    public Rate {
        Objects.requireNonNull(per, "per");
        if (amount < 1) {
            throw new IllegalArgumentException("a rate needs at least 1 token per period, was " + amount);
        }
        if (per.compareTo(SHORTEST_PERIOD) < 0 || per.compareTo(LONGEST_PERIOD) > 0) {
            throw new IllegalArgumentException("a rate's period must be from 1 ms to 1 day, was " + per);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("a burst must be at least 1, was " + burst);
        }
    }

    /** {@code amount} per {@code per}, with a burst of {@code amount}. */
    public static Rate of(long amount, Duration per) {
        return new Rate(amount, per, amount);
    }

    /** {@code amount} per second, with a burst of {@code amount}. */
    public static Rate perSecond(long amount) {
        return of(amount, Duration.ofSeconds(1));
    }

    /** {@code amount} per minute, with a burst of {@code amount}. */
    public static Rate perMinute(long amount) {
        return of(amount, Duration.ofMinutes(1));
    }

    /** This rate with at most {@code burst} tokens saved up. */
    public Rate withBurst(long burst) {
        return new Rate(amount, per, burst);
    }

    /**
     * Reads {@code AMOUNT/UNIT}, with a burst of the amount: the unit is {@code s}, {@code m} (minute) or
     * {@code h}; the amount a whole number, optionally with a binary size suffix for bytes ({@code KiB},
     * {@code MiB}, {@code GiB}, {@code TiB}, also {@code KB} and so on with the same binary meaning; case does not
     * matter). Examples: {@code 100/s}, {@code 6000/m}, {@code 50MiB/s}.
     *
     * @throws IllegalArgumentException saying what is wrong, for anything else
     */
    public static Rate parse(String text) {
        Matcher m = matching(TEXT, text, "a rate is written AMOUNT/UNIT with UNIT s, m or h (100/s, 6000/m, 50MiB/s)");
        Duration per = switch (m.group(3)) {
            case "s", "sec" -> Duration.ofSeconds(1);
            case "m", "min" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return of(scaled(m.group(1), m.group(2), text), per);
    }

    /**
     * Reads an amount as {@link #parse} does before the slash: a whole number, optionally with a binary size
     * suffix ({@code 200}, {@code 64MiB}); for a burst.
     *
     * @throws IllegalArgumentException unless it is one, at least 1
     */
    public static long parseAmount(String text) {
        Matcher m = matching(AMOUNT, text, "an amount is a whole number, optionally with a size suffix (200, 64MiB)");
        return scaled(m.group(1), m.group(2), text);
    }

    /** {@code text}, trimmed and in lower case, matched by {@code pattern}; else {@code expected} and the text. */
    private static Matcher matching(Pattern pattern, String text, String expected) {
        Objects.requireNonNull(text, "text");
        Matcher m = pattern.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(expected + ", was '" + text + "'");
        }
        return m;
    }

    private static long scaled(String digits, String suffix, String text) {
        long n = Long.parseLong(digits);
        int shift = suffix == null ? 0 : switch (suffix.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        if (n < 1) {
            throw new IllegalArgumentException("an amount must be at least 1, was '" + text + "'");
        }
        if (n > Long.MAX_VALUE >> (shift + 2)) {
            throw new IllegalArgumentException("the amount in '" + text + "' is too large");
        }
        return n << shift;
    }

    /** How long {@code tokens} take to come back, in nanoseconds (rounded down, saturating at ten years). */
    long nanosFor(long tokens) {
        long period = per.toNanos();
        long product;
        try {
            product = Math.multiplyExact(tokens, period);
        } catch (ArithmeticException tooLarge) {
            return (long) Math.min(SATURATION_NANOS, (double) tokens * period / amount);
        }
        return Math.min(SATURATION_NANOS, product / amount);
    }

    /** {@code 100/s}, or {@code 100/s burst 300}; periods other than a second, minute or hour in ISO-8601. */
    @Override
    public String toString() {
        String unit = per.equals(Duration.ofSeconds(1)) ? "s" : per.equals(Duration.ofMinutes(1)) ? "m"
                : per.equals(Duration.ofHours(1)) ? "h" : per.toString();
        return amount + "/" + unit + (burst == amount ? "" : " burst " + burst);
    }
}
