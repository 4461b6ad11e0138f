package dev.wharf.bench.http;

import java.util.Arrays;
import java.util.Collection;

/** The few statistics the report needs, on plain arrays. */
public final class Stats {
    private Stats() {
    }

    /** The median (mean of the two middle values for an even count). */
    public static double median(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("median of nothing");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** The largest value. */
    public static double max(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max()
                .orElseThrow(() -> new IllegalArgumentException("max of nothing"));
    }

    /**
     * The {@code p}-th percentile (0 &lt; p &le; 100) by the nearest-rank method: the smallest value with at
     * least p% of the values at or below it. {@code sorted} must be in ascending order.
     */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("percentile of nothing");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** Sorts a copy and returns {@link #percentile(long[], double)}. */
    public static long percentileOf(long[] values, double p) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return percentile(copy, p);
    }

    /** Median of {@code nanos[from, to)}, for page times. */
    public static double medianOfRange(long[] nanos, int from, int to) {
        long[] part = Arrays.copyOfRange(nanos, from, to);
        Arrays.sort(part);
        int mid = part.length / 2;
        return part.length % 2 == 1 ? part[mid] : (part[mid - 1] + part[mid]) / 2.0;
    }
}
