package dev.wharf.bench.http;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders {@link Results} as Markdown: the summary table (medians, or maxima for peaks; the Wharf/distribution
 * ratio; the goal and whether it was met), then every round's raw value so noise can be judged.
 */
public final class Report {
    static final String WHARF = "Wharf";
    static final String DISTRIBUTION = "distribution";

    private Report() {
    }

    /** The whole report; {@code header} lines (machine, versions, sizes) go first as a list. */
    public static String render(String title, List<String> header, Results results) {
        StringBuilder out = new StringBuilder();
        out.append("## ").append(title).append("\n\n");
        for (String line : header) {
            out.append("- ").append(line).append('\n');
        }
        results.combined(Metric.DISK_WRITE, Results.MACHINE).ifPresent(d -> out.append("- disk baseline (")
                .append(Metric.DISK_WRITE.label()).append(results.detail(Metric.DISK_WRITE).map(s -> ", " + s).orElse(""))
                .append("): ").append(num(d)).append(" MiB/s, median of ")
                .append(results.values(Metric.DISK_WRITE, Results.MACHINE).size()).append('\n'));
        out.append("\n| workload | unit | Wharf | distribution | Wharf/distribution | goal | met |\n")
                .append("|---|---|---:|---:|---:|---|---|\n");
        for (Metric m : Metric.values()) {
            if (m == Metric.DISK_WRITE) {
                continue;
            }
            Optional<Double> w = results.combined(m, WHARF);
            Optional<Double> d = results.combined(m, DISTRIBUTION);
            if (w.isEmpty() && d.isEmpty()) {
                continue;
            }
            String ratio = m.compared() && w.isPresent() && d.isPresent() && d.get() > 0
                    ? num(w.get() / d.get()) + "×" : "";
            String met = m.goal().met(w, d).map(ok -> ok ? "yes" : "**no**").orElse("");
            out.append("| ").append(m.label()).append(results.detail(m).map(s -> " (" + s + ")").orElse(""))
                    .append(" | ").append(m.unit()).append(m.maxOverRounds() ? ", max" : "")
                    .append(" | ").append(w.map(Report::num).orElse("—"))
                    .append(" | ").append(d.map(Report::num).orElse("—"))
                    .append(" | ").append(ratio)
                    .append(" | ").append(m.goal().describe(m.unit()))
                    .append(" | ").append(met).append(" |\n");
        }
        if (!results.notes().isEmpty()) {
            out.append('\n');
            for (String note : results.notes()) {
                out.append("- ").append(note).append('\n');
            }
        }
        appendRounds(out, results, "target", List.of(WHARF, DISTRIBUTION, Results.MACHINE));
        return out.toString();
    }

    /**
     * {@code items} rotated by one place per round (round 1 as given), so that each goes first in turn and no
     * server or setting is always measured on a machine the one before it warmed or loaded.
     */
    static <T> List<T> inTurn(List<T> items, int round) {
        List<T> order = new java.util.ArrayList<>(items);
        java.util.Collections.rotate(order, -((round - 1) % order.size()));
        return order;
    }

    /**
     * The per-round table: each metric's value for each of {@code targets} (a column headed {@code column}) in
     * every round, so noise can be judged.
     */
    static void appendRounds(StringBuilder out, Results results, String column, List<String> targets) {
        int rounds = results.rounds();
        if (rounds > 0) {
            out.append("\nEvery round:\n\n| workload | ").append(column).append(" |");
            for (int r = 1; r <= rounds; r++) {
                out.append(" round ").append(r).append(" |");
            }
            out.append("\n|---|---|").append("---:|".repeat(rounds)).append('\n');
            for (Metric m : Metric.values()) {
                for (String target : targets) {
                    List<Double> v = results.values(m, target);
                    if (v.isEmpty()) {
                        continue;
                    }
                    out.append("| ").append(m.name().toLowerCase(Locale.ROOT)).append(" | ").append(target).append(" |");
                    for (int r = 0; r < rounds; r++) {
                        out.append(' ').append(r < v.size() ? num(v.get(r)) : "").append(" |");
                    }
                    out.append('\n');
                }
            }
        }
    }

    /**
     * Prints {@code report} to {@code out} and writes it to {@code file}, creating its directory; says where on
     * {@code log}, whose lines start with {@code tag}.
     */
    static void publish(String report, Path file, PrintStream out, PrintStream log, String tag) {
        out.print(report);
        out.flush();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, report, StandardCharsets.UTF_8);
            log.println(tag + ": results written to " + file);
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot write " + file + ": " + e, e);
        }
    }

    /** Three significant figures or so, without scientific notation. */
    public static String num(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
