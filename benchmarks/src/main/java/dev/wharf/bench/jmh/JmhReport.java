package dev.wharf.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Turns a JMH JSON result file into Markdown: every score, then the durable-storage goals as ratios
 * (page cost at the largest size over the smallest, per store, goal at most 1.5; manifest GET by tag
 * through the facade, RocksDB throughput over in-memory, goal at least 0.8), then digest throughput.
 *
 * <p>{@code java -cp wharf-benchmarks.jar dev.wharf.bench.jmh.JmhReport jmh.json [out.md]}
 */
public final class JmhReport {
    /** Page cost at 100,000 entries may be at most this multiple of the cost at 1,000. */
    static final double MAX_PAGE_COST_RATIO = 1.5;
    /** RocksDB manifest-by-tag throughput must be at least this fraction of the in-memory store's. */
    static final double MIN_ROCKSDB_THROUGHPUT_RATIO = 0.8;
    /** Operations whose cost must not grow with the store (range scans); the others are shown for information. */
    private static final List<String> PAGES = List.of("tagsPage", "catalogPage");
    private static final List<String> SCALED = List.of("tagsPage", "catalogPage", "resolveTagThenManifest",
            "registryManifestByTag");

    private JmhReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: JmhReport <jmh-result.json> [<out.md>]");
            System.exit(2);
        }
        String markdown = render(JmhResult.read(Path.of(args[0])));
        System.out.print(markdown);
        if (args.length == 2) {
            Files.writeString(Path.of(args[1]), markdown);
        }
    }

    /** The whole report. */
    public static String render(List<JmhResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("### All scores\n\n| benchmark | params | score | ± (99.9%) | unit |\n|---|---|---:|---:|---|\n");
        results.stream().sorted(Comparator.comparing((JmhResult r) -> r.className() + "." + r.benchmark())
                        .thenComparing(r -> r.params().toString()))
                .forEach(r -> out.append("| ").append(r.className()).append('.').append(r.benchmark()).append(" | ")
                        .append(r.params().isEmpty() ? "" : r.params().toString()).append(" | ").append(num(r.score()))
                        .append(" | ").append(Double.isNaN(r.error()) ? "" : num(r.error())).append(" | ")
                        .append(r.unit()).append(" |\n"));
        scaling(results, out);
        search(results, out);
        facade(results, out);
        digest(results, out);
        return out.toString();
    }

    private static void scaling(List<JmhResult> results, StringBuilder out) {
        List<Integer> sizes = results.stream().filter(r -> r.className().equals("MetadataBenchmark"))
                .map(r -> Integer.parseInt(r.param("size").orElse("0"))).distinct().sorted().toList();
        if (sizes.size() < 2) {
            return;
        }
        int small = sizes.get(0);
        int large = sizes.get(sizes.size() - 1);
        out.append("\n### Cost at ").append(large).append(" entries vs ").append(small)
                .append(" (goal for pages: ratio ≤ ").append(num(MAX_PAGE_COST_RATIO)).append(")\n\n")
                .append("| operation | store | µs/op at ").append(small).append(" | µs/op at ").append(large)
                .append(" | ratio | goal met |\n|---|---|---:|---:|---:|---|\n");
        for (String bench : SCALED) {
            for (String store : List.of("memory", "rocksdb")) {
                Optional<JmhResult> a = find(results, bench, r -> is(r, "store", store) && is(r, "size", "" + small));
                Optional<JmhResult> b = find(results, bench, r -> is(r, "store", store) && is(r, "size", "" + large));
                if (a.isPresent() && b.isPresent()) {
                    double ratio = b.get().score() / a.get().score();
                    out.append("| ").append(bench).append(" | ").append(store).append(" | ").append(num(a.get().score()))
                            .append(" | ").append(num(b.get().score())).append(" | ").append(num(ratio)).append(" | ")
                            .append(!PAGES.contains(bench) ? "(point lookup: report)"
                                    : ratio <= MAX_PAGE_COST_RATIO ? "yes" : "**no**").append(" |\n");
                }
            }
        }
    }

    /** SearchBenchmark: each shape's page cost at the largest size against the smallest. */
    private static void search(List<JmhResult> results, StringBuilder out) {
        List<JmhResult> rows = results.stream().filter(r -> r.className().equals("SearchBenchmark")).toList();
        List<Integer> sizes = rows.stream().map(r -> Integer.parseInt(r.param("size").orElse("0"))).distinct()
                .sorted().toList();
        if (sizes.size() < 2) {
            return;
        }
        String small = Integer.toString(sizes.get(0));
        String large = Integer.toString(sizes.get(sizes.size() - 1));
        out.append("\n### Search: one page (n=100) at ").append(large).append(" manifests vs ").append(small)
                .append(" (goal: ratio ≤ ").append(num(MAX_PAGE_COST_RATIO)).append(")\n\n| query shape |");
        sizes.forEach(size -> out.append(" µs/op at ").append(size).append(" |"));
        out.append(" ratio | goal met |\n|---|");
        sizes.forEach(size -> out.append("---:|"));
        out.append("---:|---|\n");
        for (String bench : rows.stream().map(JmhResult::benchmark).distinct().sorted().toList()) {
            Optional<JmhResult> a = find(rows, bench, r -> is(r, "size", small));
            Optional<JmhResult> b = find(rows, bench, r -> is(r, "size", large));
            out.append("| ").append(bench).append(" |");
            for (int size : sizes) {
                out.append(' ').append(find(rows, bench, r -> is(r, "size", "" + size)).map(r -> num(r.score()))
                        .orElse("")).append(" |");
            }
            if (a.isPresent() && b.isPresent()) {
                double ratio = b.get().score() / a.get().score();
                out.append(' ').append(num(ratio)).append(" | ").append(ratio <= MAX_PAGE_COST_RATIO ? "yes" : "**no**");
            } else {
                out.append(" | ");
            }
            out.append(" |\n");
        }
    }

    private static void facade(List<JmhResult> results, StringBuilder out) {
        List<String> sizes = results.stream().filter(r -> r.benchmark().equals("registryManifestByTag"))
                .map(r -> r.param("size").orElse("")).distinct().sorted(Comparator.comparingInt(Integer::parseInt))
                .toList();
        if (sizes.isEmpty()) {
            return;
        }
        out.append("\n### Manifest GET by tag through the Registry facade: RocksDB vs in-memory (goal: throughput ratio ≥ ")
                .append(num(MIN_ROCKSDB_THROUGHPUT_RATIO)).append(")\n\n")
                .append("| size | in-memory µs/op | RocksDB µs/op | RocksDB/in-memory throughput | goal met |\n")
                .append("|---:|---:|---:|---:|---|\n");
        for (String size : sizes) {
            Optional<JmhResult> mem = find(results, "registryManifestByTag", r -> is(r, "store", "memory") && is(r, "size", size));
            Optional<JmhResult> rocks = find(results, "registryManifestByTag", r -> is(r, "store", "rocksdb") && is(r, "size", size));
            if (mem.isPresent() && rocks.isPresent()) {
                double ratio = mem.get().score() / rocks.get().score(); // time per op, inverted = throughput ratio
                out.append("| ").append(size).append(" | ").append(num(mem.get().score())).append(" | ")
                        .append(num(rocks.get().score())).append(" | ").append(num(ratio)).append(" | ")
                        .append(ratio >= MIN_ROCKSDB_THROUGHPUT_RATIO ? "yes" : "**no**").append(" |\n");
            }
        }
    }

    private static void digest(List<JmhResult> results, StringBuilder out) {
        List<JmhResult> rows = new ArrayList<>(results.stream().filter(r -> r.className().equals("DigestBenchmark"))
                .filter(r -> r.unit().equals("ms/op")).toList());
        if (rows.isEmpty()) {
            return;
        }
        rows.sort(Comparator.comparingInt((JmhResult r) -> Integer.parseInt(r.param("size").orElse("0")))
                .thenComparing(JmhResult::benchmark));
        out.append("\n### SHA-256 throughput (MiB/s; engine path vs plain MessageDigest)\n\n")
                .append("| size | path | MiB/s | vs plain |\n|---:|---|---:|---:|\n");
        for (JmhResult r : rows) {
            String size = r.param("size").orElse("0");
            double mibs = Integer.parseInt(size) / (1024.0 * 1024.0) / (r.score() / 1000.0);
            Optional<JmhResult> plain = find(results, "plainMessageDigest", x -> is(x, "size", size));
            String vs = plain.map(p -> num(p.score() / r.score())).orElse("");
            out.append("| ").append(size).append(" | ").append(r.benchmark()).append(" | ").append(num(mibs))
                    .append(" | ").append(vs).append(" |\n");
        }
    }

    private static Optional<JmhResult> find(List<JmhResult> results, String bench, Predicate<JmhResult> filter) {
        return results.stream().filter(r -> r.benchmark().equals(bench)).filter(filter).findFirst();
    }

    private static boolean is(JmhResult r, String param, String value) {
        return r.param(param).filter(value::equals).isPresent();
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
