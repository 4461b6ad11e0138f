package dev.wharf.bench.http;

import java.util.List;
import java.util.Optional;

/**
 * Renders the authentication-cost {@link Results} as Markdown: per workload the median of each login, the
 * ratios of Basic and of the token flow to no login, the goal and whether the token flow met it; then every
 * round's values. The goal is the authentication issue's: with the token flow on, manifest GET and blob HEAD
 * keep at least {@value #TOKEN_GOAL_RATIO}× of their anonymous throughput. Basic is reported against no goal.
 */
final class AuthCostReport {
    static final double TOKEN_GOAL_RATIO = 0.8;
    /** The rows, in this order: throughputs carry the goal, latencies are reported. */
    static final List<Metric> METRICS = List.of(Metric.MANIFEST_GET, Metric.MANIFEST_GET_P99, Metric.BLOB_HEAD,
            Metric.BLOB_HEAD_P99);

    private AuthCostReport() {
    }

    static String render(String title, List<String> header, Results results) {
        String anonymous = AuthCostMain.Login.ANONYMOUS.label();
        String basic = AuthCostMain.Login.BASIC.label();
        String token = AuthCostMain.Login.TOKEN.label();
        StringBuilder out = new StringBuilder();
        out.append("## ").append(title).append("\n\n");
        for (String line : header) {
            out.append("- ").append(line).append('\n');
        }
        out.append("\n| workload | unit | ").append(anonymous).append(" | ").append(basic).append(" | ").append(token)
                .append(" | ").append(basic).append('/').append(anonymous).append(" | ").append(token).append('/')
                .append(anonymous).append(" | goal (").append(token).append(") | met |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Metric m : METRICS) {
            Optional<Double> a = results.combined(m, anonymous);
            Optional<Double> b = results.combined(m, basic);
            Optional<Double> t = results.combined(m, token);
            if (a.isEmpty() && b.isEmpty() && t.isEmpty()) {
                continue;
            }
            Goal goal = goal(m);
            out.append("| ").append(m.label()).append(results.detail(m).map(s -> " (" + s + ")").orElse(""))
                    .append(" | ").append(m.unit())
                    .append(" | ").append(a.map(Report::num).orElse("—"))
                    .append(" | ").append(b.map(Report::num).orElse("—"))
                    .append(" | ").append(t.map(Report::num).orElse("—"))
                    .append(" | ").append(ratio(b, a))
                    .append(" | ").append(ratio(t, a))
                    .append(" | ").append(goal.describe(m.unit(), anonymous))
                    .append(" | ").append(goal.met(t, a).map(ok -> ok ? "yes" : "**no**").orElse("")).append(" |\n");
        }
        Report.appendRounds(out, results, "login", List.of(anonymous, basic, token));
        return out.toString();
    }

    /** The token flow's goal for {@code m}: the ratio for throughputs, none for latencies. */
    static Goal goal(Metric m) {
        return m == Metric.MANIFEST_GET || m == Metric.BLOB_HEAD ? Goal.ratioAtLeast(TOKEN_GOAL_RATIO) : Goal.report();
    }

    /** {@code value / baseline} as a table cell ("1.02×"), empty when either is missing or the baseline is 0. */
    static String ratio(Optional<Double> value, Optional<Double> baseline) {
        return value.isPresent() && baseline.isPresent() && baseline.get() > 0
                ? Report.num(value.get() / baseline.get()) + "×" : "";
    }
}
