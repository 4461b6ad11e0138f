package dev.wharf.bench.http;

import java.util.Locale;
import java.util.Optional;

/**
 * What a metric aims at, and how to tell from the medians whether a run met it.
 *
 * @param kind      how the threshold applies
 * @param threshold the number in the goal
 */
public record Goal(Kind kind, double threshold) {
    /** How a goal's threshold applies. */
    public enum Kind {
        /** Wharf / distribution at least the threshold. */
        RATIO_AT_LEAST,
        /** Wharf's value at most the threshold (latency, memory). */
        WHARF_AT_MOST,
        /** Wharf's value at least the threshold (a fraction, e.g. of disk speed). */
        WHARF_AT_LEAST,
        /** No goal: reported for information. */
        REPORT
    }

    public static Goal ratioAtLeast(double x) {
        return new Goal(Kind.RATIO_AT_LEAST, x);
    }

    public static Goal wharfAtMost(double x) {
        return new Goal(Kind.WHARF_AT_MOST, x);
    }

    public static Goal wharfAtLeast(double x) {
        return new Goal(Kind.WHARF_AT_LEAST, x);
    }

    public static Goal report() {
        return new Goal(Kind.REPORT, Double.NaN);
    }

    /** Whether the goal was met; empty when there is no goal or a value is missing. */
    public Optional<Boolean> met(Optional<Double> wharf, Optional<Double> distribution) {
        return switch (kind) {
            case RATIO_AT_LEAST -> wharf.isPresent() && distribution.isPresent() && distribution.get() > 0
                    ? Optional.of(wharf.get() / distribution.get() >= threshold) : Optional.empty();
            case WHARF_AT_MOST -> wharf.map(w -> w <= threshold);
            case WHARF_AT_LEAST -> wharf.map(w -> w >= threshold);
            case REPORT -> Optional.empty();
        };
    }

    /** The goal as the report prints it, e.g. {@code ≥ 1.70× distribution}, {@code ≤ 20 ms}. */
    public String describe(String unit) {
        return describe(unit, "distribution");
    }

    /** The goal as a report prints it whose ratios are to {@code baseline}, e.g. {@code ≥ 0.80× anonymous}. */
    public String describe(String unit, String baseline) {
        String t = String.format(Locale.ROOT, threshold == Math.rint(threshold) ? "%.0f" : "%.2f", threshold);
        return switch (kind) {
            case RATIO_AT_LEAST -> "≥ " + t + "× " + baseline;
            case WHARF_AT_MOST -> "≤ " + t + " " + unit;
            case WHARF_AT_LEAST -> "≥ " + t + " " + unit;
            case REPORT -> "report";
        };
    }
}
