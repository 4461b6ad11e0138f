package dev.wharf.bench.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders the scaling run as Markdown: per load and node count the median requests per second, its ratio to one
 * node and the median p99 latency; then where the cores went (median CPU seconds per second of each part); then
 * every round's values, so noise can be judged.
 */
final class ScalingReport {

    /** The two loads, in report order. */
    enum Load {
        MANIFEST_GET("manifest GET by tag"),
        BLOB_HEAD("blob HEAD");

        private final String label;

        Load(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * One load in one round.
     *
     * @param round             the round, from 1
     * @param nodes             how many nodes shared the connections
     * @param load              which load
     * @param requestsPerSecond completed requests per measured second
     * @param p99Millis         99th percentile latency
     * @param cores             CPU seconds per second of load, by part
     */
    record Measurement(int round, int nodes, Load load, double requestsPerSecond, double p99Millis,
                       Map<String, Double> cores) {
        Measurement {
            cores = Collections.unmodifiableMap(new LinkedHashMap<>(cores));
        }
    }

    private ScalingReport() {
    }

    static String render(List<String> header, int maxNodes, int rounds, List<Measurement> all) {
        StringBuilder out = new StringBuilder("## Wharf: several nodes over shared stores behind a round-robin client\n\n");
        for (String line : header) {
            out.append("- ").append(line).append('\n');
        }
        out.append("\n| load | nodes | req/s | × 1 node | p99 ms |\n|---|---:|---:|---:|---:|\n");
        for (Load load : Load.values()) {
            Optional<Double> one = median(all, load, 1, Measurement::requestsPerSecond);
            for (int n = 1; n <= maxNodes; n++) {
                Optional<Double> rate = median(all, load, n, Measurement::requestsPerSecond);
                if (rate.isEmpty()) {
                    continue;
                }
                out.append("| ").append(load.label()).append(" | ").append(n).append(" | ")
                        .append(Report.num(rate.get())).append(" | ")
                        .append(one.filter(v -> v > 0).map(v -> Report.num(rate.get() / v) + "×").orElse(""))
                        .append(" | ").append(median(all, load, n, Measurement::p99Millis).map(Report::num).orElse(""))
                        .append(" |\n");
            }
        }
        Set<String> parts = new LinkedHashSet<>();
        all.forEach(m -> parts.addAll(m.cores().keySet()));
        List<String> columns = new ArrayList<>(parts);
        columns.remove(ScalingMain.MACHINE);
        columns.remove(ScalingMain.CLIENT);
        columns.add(ScalingMain.CLIENT);
        if (parts.contains(ScalingMain.MACHINE)) {
            columns.add(ScalingMain.MACHINE);
        }
        out.append("\nWhere the cores went (CPU seconds per second of load, medians):\n\n| load | nodes |");
        columns.forEach(c -> out.append(' ').append(c).append(" |"));
        out.append("\n|---|---:|").append("---:|".repeat(columns.size())).append('\n');
        for (Load load : Load.values()) {
            for (int n = 1; n <= maxNodes; n++) {
                int nodes = n;
                if (all.stream().noneMatch(m -> m.load() == load && m.nodes() == nodes)) {
                    continue;
                }
                out.append("| ").append(load.label()).append(" | ").append(n).append(" |");
                for (String c : columns) {
                    out.append(' ').append(median(all, load, n, m -> m.cores().getOrDefault(c, Double.NaN))
                            .map(Report::num).orElse("")).append(" |");
                }
                out.append('\n');
            }
        }
        out.append("\nEvery round (req/s):\n\n| load | nodes |");
        for (int r = 1; r <= rounds; r++) {
            out.append(" round ").append(r).append(" |");
        }
        out.append("\n|---|---:|").append("---:|".repeat(rounds)).append('\n');
        for (Load load : Load.values()) {
            for (int n = 1; n <= maxNodes; n++) {
                out.append("| ").append(load.label()).append(" | ").append(n).append(" |");
                for (int r = 1; r <= rounds; r++) {
                    int round = r;
                    int nodes = n;
                    out.append(' ').append(all.stream()
                            .filter(m -> m.load() == load && m.nodes() == nodes && m.round() == round)
                            .findFirst().map(m -> Report.num(m.requestsPerSecond())).orElse("")).append(" |");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The median of {@code value} over the rounds of {@code load} with {@code nodes} nodes; NaN values skipped. */
    static Optional<Double> median(List<Measurement> all, Load load, int nodes,
                                   java.util.function.ToDoubleFunction<Measurement> value) {
        List<Double> v = all.stream().filter(m -> m.load() == load && m.nodes() == nodes).mapToDouble(value)
                .filter(d -> !Double.isNaN(d)).boxed().toList();
        return v.isEmpty() ? Optional.empty() : Optional.of(Stats.median(v));
    }
}
