package dev.wharf.bench.slow;

import dev.wharf.bench.http.HarnessOptions;
import dev.wharf.bench.http.Report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders the slow-client results as Markdown: the run's settings as a list, then one table per phase with a
 * column for Wharf and one for distribution ("—" where a target did not run), then what the rows mean.
 */
final class SlowClientReport {
    static final String WHARF = "Wharf";
    static final String DISTRIBUTION = "distribution";

    private SlowClientReport() {
    }

    /** One table row: its label and how a phase result shows in it. */
    private record Row(String label, Function<PhaseResult, String> cell) {
    }

    /**
     * The report; {@code header} lines (date, machine, versions, settings) go first, then a table per phase in
     * {@code phases} order, the cells from {@code results} (target name → its phase results).
     */
    static String render(String title, List<String> header, List<SlowClientOptions.Phase> phases,
                         Map<String, List<PhaseResult>> results, long probeTimeoutMillis) {
        StringBuilder out = new StringBuilder();
        out.append("## ").append(title).append("\n\n");
        for (String line : header) {
            out.append("- ").append(line).append('\n');
        }
        for (SlowClientOptions.Phase phase : phases) {
            out.append("\n### ").append(phase == SlowClientOptions.Phase.DOWNLOADS ? "Slow downloads" : "Trickling uploads")
                    .append("\n\n| | ").append(WHARF).append(" | ").append(DISTRIBUTION).append(" |\n|---|---:|---:|\n");
            Optional<PhaseResult> w = find(results, WHARF, phase);
            Optional<PhaseResult> d = find(results, DISTRIBUTION, phase);
            for (Row row : rows(phase)) {
                out.append("| ").append(row.label()).append(" | ").append(w.map(row.cell()).orElse("—")).append(" | ")
                        .append(d.map(row.cell()).orElse("—")).append(" |\n");
            }
        }
        out.append("\nEach server was started afresh for each phase, with the blob and manifest pushed before it. "
                + "Probe latencies count every failed request (timeout, refused or reset connection, a status other "
                + "than 200) at the probe timeout, ").append(probeTimeoutMillis).append(" ms; one probe is outstanding "
                + "at a time, so a stalled server gets about one probe per timeout. \"Still moving\" means body bytes "
                + "moved in the last seconds of the phase. Threads are the server process's OS threads "
                + "(/proc/PID/status), sampled every second; RSS is VmRSS, sampled with them.\n");
        return out.toString();
    }

    private static Optional<PhaseResult> find(Map<String, List<PhaseResult>> results, String target,
                                              SlowClientOptions.Phase phase) {
        return results.getOrDefault(target, List.of()).stream().filter(r -> r.phase() == phase).findFirst();
    }

    private static List<Row> rows(SlowClientOptions.Phase phase) {
        boolean downloads = phase == SlowClientOptions.Phase.DOWNLOADS;
        return List.of(
                new Row("slow clients connected", r -> r.load().connected() + " of " + r.load().clients()),
                new Row(downloads ? "answered 200 (blob GET)" : "upload sessions opened (POST answered 202)",
                        r -> Integer.toString(r.load().answered())),
                new Row(downloads ? "no answer yet at the end" : "POST not answered by the end",
                        r -> Integer.toString(r.load().waiting())),
                new Row(downloads ? "turned away (status: clients)" : "turned away, POST or early PATCH answer (status: clients)",
                        r -> refused(r.load().refused())),
                new Row("connections dropped by the server", r -> Integer.toString(r.load().dropped())),
                new Row(downloads ? "clients that received body bytes / still receiving at the end"
                                : "PATCH bodies sent to / still sending at the end",
                        r -> r.load().withBytes() + " / " + r.load().movingAtEnd()),
                new Row(downloads ? "body received, all clients (per second)" : "PATCH body bytes written, all clients",
                        r -> downloads ? amount(r.load().bodyBytes()) + " (" + amount(Math.round(r.load().bytesPerSecond())) + "/s)"
                                : amount(r.load().bodyBytes())),
                new Row("probe blob HEAD p50 / p99 / max, ms", r -> latencies(r.probe().blobHead())),
                new Row("probe manifest GET p50 / p99 / max, ms", r -> latencies(r.probe().manifestGet())),
                new Row("probe failures (of them timeouts) / probes", r -> failures(r.probe())),
                new Row("a probe answered again, seconds after the slow clients closed",
                        r -> Double.isNaN(r.recoverySeconds()) ? "not within the cap" : Report.num(r.recoverySeconds())),
                new Row("server threads: at the start → max", r -> r.server().threadsAtStart() + " → " + r.server().threads()),
                new Row("server RSS, MiB: at the start → max", r -> Report.num(r.server().rssKiBAtStart() / 1024.0) + " → "
                        + Report.num(r.server().rssKiB() / 1024.0)),
                new Row("server CPU / harness CPU during the phase, s", r -> Report.num(r.serverCpuSeconds()) + " / "
                        + Report.num(r.harnessCpuSeconds())),
                new Row("slow-client ticks late by over half a tick", r -> r.load().lateTicks() + " of " + r.load().ticks()),
                new Row("server open-file limit", r -> r.openFileLimit() < 0 ? "unlimited" : Long.toString(r.openFileLimit())));
    }

    static String refused(Map<Integer, Integer> byStatus) {
        if (byStatus.isEmpty()) {
            return "0";
        }
        return byStatus.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }

    static String latencies(LatencySummary s) {
        if (s.requests() == 0) {
            return "no probes";
        }
        return Report.num(s.p50Millis()) + " / " + Report.num(s.p99Millis()) + " / " + Report.num(s.maxMillis());
    }

    static String failures(Probe.Result p) {
        int failures = p.blobHead().failures() + p.manifestGet().failures();
        int timeouts = p.blobHead().timeouts() + p.manifestGet().timeouts();
        int requests = p.blobHead().requests() + p.manifestGet().requests();
        String text = failures + " (" + timeouts + ") / " + requests;
        return failures > 0 ? "**" + text + "**" : text;
    }

    /** Bytes for humans: {@code 120 B}, {@code 35.2 KiB}, {@code 466 MiB}, {@code 1.50 GiB}. */
    static String amount(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes / 1024.0;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return Report.num(v) + " " + units[u];
    }

    /** A rate for humans, e.g. {@code 256 KiB/s}, {@code 4 B/s}. */
    static String rate(long bytesPerSecond) {
        return HarnessOptions.human(bytesPerSecond) + "/s";
    }

    /** {@code 30 s}, {@code 2.5 s}. */
    static String seconds(double s) {
        return (s == Math.rint(s) ? String.format(Locale.ROOT, "%.0f", s) : Report.num(s)) + " s";
    }
}
