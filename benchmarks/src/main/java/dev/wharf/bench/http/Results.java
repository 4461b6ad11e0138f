package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The numbers of a run: per metric and target, one value per round, plus a note per metric saying what was
 * measured (sizes, clients, tool). Thread-confined to the harness's main thread.
 */
public final class Results {
    /** The pseudo-target of machine measurements (the disk baseline). */
    public static final String MACHINE = "machine";

    private final Map<Metric, Map<String, List<Double>>> values = new EnumMap<>(Metric.class);
    private final Map<Metric, String> details = new EnumMap<>(Metric.class);
    private final java.util.Set<String> notes = new java.util.LinkedHashSet<>();

    /** Records one round's value. */
    public void add(Metric metric, String target, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new BenchmarkFailure(metric + " for " + target + " is not a number");
        }
        values.computeIfAbsent(metric, m -> new LinkedHashMap<>()).computeIfAbsent(target, t -> new ArrayList<>())
                .add(value);
    }

    /** Says what a metric measured, e.g. {@code 1 GiB}; the last call wins. */
    public void detail(Metric metric, String text) {
        details.put(metric, text);
    }

    public Optional<String> detail(Metric metric) {
        return Optional.ofNullable(details.get(metric));
    }

    /** A remark printed under the table once, however often it is made (e.g. how many pages a walk took). */
    public void note(String text) {
        notes.add(text);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Every round's value, in order. */
    public List<Double> values(Metric metric, String target) {
        return List.copyOf(values.getOrDefault(metric, Map.of()).getOrDefault(target, List.of()));
    }

    /** The rounds combined: median, or maximum for peaks; empty without values. */
    public Optional<Double> combined(Metric metric, String target) {
        List<Double> v = values(metric, target);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(metric.maxOverRounds() ? Stats.max(v) : Stats.median(v));
    }

    /** The most rounds any value has, for the per-round table. */
    public int rounds() {
        return values.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).max().orElse(0);
    }
}
