package dev.wharf.bench.slow;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlowClientReportTest {

    private static PhaseResult downloads(int answered, int waiting, LatencySummary head, double recovery, int threads) {
        SlowLoadResult load = new SlowLoadResult(1000, 1000, 0, answered, waiting, Map.of(), 0, answered, answered,
                answered * 7L * 1024 * 1024, 0, 30, 5, 600, answered / 10);
        LatencySummary get = LatencySummary.of(new long[] {3_000_000L}, 0, 0);
        return new PhaseResult(SlowClientOptions.Phase.DOWNLOADS, load, new Probe.Result(head, get),
                new ServerSampler.Maxima(40, threads, 100 * 1024, 180 * 1024, 31), recovery, 65536, threads / 10.0, 12.5);
    }

    @Test
    void shouldPutEachTargetInItsColumnWhenBothRan() {
        LatencySummary stalled = LatencySummary.of(new long[] {5_000_000_000L, 5_000_000_000L}, 2, 2);
        LatencySummary quick = LatencySummary.of(new long[] {1_000_000L, 2_000_000L, 4_000_000L}, 0, 0);
        Map<String, List<PhaseResult>> results = Map.of(
                SlowClientReport.WHARF, List.of(downloads(62, 938, stalled, 0.25, 85)),
                SlowClientReport.DISTRIBUTION, List.of(downloads(1000, 0, quick, Double.NaN, 12)));

        String md = SlowClientReport.render("T", List.of("date: today"), List.of(SlowClientOptions.Phase.DOWNLOADS),
                results, 5000);

        assertThat(md).startsWith("## T\n\n- date: today\n")
                .contains("### Slow downloads")
                .contains("| | Wharf | distribution |")
                .contains("| slow clients connected | 1000 of 1000 | 1000 of 1000 |")
                .contains("| answered 200 (blob GET) | 62 | 1000 |")
                .contains("| no answer yet at the end | 938 | 0 |")
                .contains("| clients that received body bytes / still receiving at the end | 62 / 62 | 1000 / 1000 |")
                .contains("| body received, all clients (per second) | 434 MiB (14.5 MiB/s) | 6.84 GiB (233 MiB/s) |")
                .contains("| probe blob HEAD p50 / p99 / max, ms | 5000 / 5000 / 5000 | 2.00 / 4.00 / 4.00 |")
                .contains("| probe failures (of them timeouts) / probes | **2 (2) / 3** | 0 (0) / 4 |")
                .contains("| a probe answered again, seconds after the slow clients closed | 0.250 | not within the cap |")
                .contains("| server threads: at the start → max | 40 → 85 | 40 → 12 |")
                .contains("| server RSS, MiB: at the start → max | 100 → 180 | 100 → 180 |")
                .contains("started afresh for each phase")
                .contains("| server CPU / harness CPU during the phase, s | 8.50 / 12.5 | 1.20 / 12.5 |")
                .contains("| slow-client ticks late by over half a tick | 6 of 600 | 100 of 600 |")
                .contains("5000 ms")
                .doesNotContain("Trickling uploads");
    }

    @Test
    void shouldShowADashForATargetThatDidNotRunAndCountRefusalsByStatus() {
        SlowLoadResult load = new SlowLoadResult(300, 298, 2, 250, 10, Map.of(503, 30, 429, 8), 0, 250, 240, 30_000,
                0, 30, 5, 600, 0);
        LatencySummary none = LatencySummary.of(new long[0], 0, 0);
        PhaseResult uploads = new PhaseResult(SlowClientOptions.Phase.UPLOADS, load, new Probe.Result(none, none),
                new ServerSampler.Maxima(8, 20, 20 * 1024, 64 * 1024, 30), 0.01, -1, 1, 2);

        String md = SlowClientReport.render("T", List.of(), List.of(SlowClientOptions.Phase.UPLOADS),
                Map.of(SlowClientReport.DISTRIBUTION, List.of(uploads)), 5000);

        assertThat(md).contains("### Trickling uploads")
                .contains("| slow clients connected | — | 298 of 300 |")
                .contains("| upload sessions opened (POST answered 202) | — | 250 |")
                .contains("| turned away, POST or early PATCH answer (status: clients) | — | 429: 8, 503: 30 |")
                .contains("| PATCH bodies sent to / still sending at the end | — | 250 / 240 |")
                .contains("| PATCH body bytes written, all clients | — | 29.3 KiB |")
                .contains("| probe blob HEAD p50 / p99 / max, ms | — | no probes |")
                .contains("| server open-file limit | — | unlimited |");
    }

    @Test
    void shouldPrintAmountsAndRatesForHumans() {
        assertThat(SlowClientReport.amount(120)).isEqualTo("120 B");
        assertThat(SlowClientReport.amount(36_000)).isEqualTo("35.2 KiB");
        assertThat(SlowClientReport.amount(3L << 30)).isEqualTo("3.00 GiB");
        assertThat(SlowClientReport.rate(256 * 1024)).isEqualTo("256 KiB/s");
        assertThat(SlowClientReport.rate(4)).isEqualTo("4 B/s");
        assertThat(SlowClientReport.seconds(30)).isEqualTo("30 s");
        assertThat(SlowClientReport.seconds(2.5)).isEqualTo("2.50 s");
    }
}
