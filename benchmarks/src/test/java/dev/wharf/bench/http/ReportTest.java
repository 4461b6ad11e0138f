package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportTest {

    @Test
    void shouldReportMediansRatiosAndGoalsWhenBothTargetsRan() {
        Results r = new Results();
        for (double v : new double[] {300, 100, 200}) {
            r.add(Metric.PUSH_MONOLITHIC, Report.WHARF, v);
        }
        for (double v : new double[] {100, 150, 50}) {
            r.add(Metric.PUSH_MONOLITHIC, Report.DISTRIBUTION, v);
        }
        r.add(Metric.PEAK_RSS, Report.WHARF, 150);
        r.add(Metric.PEAK_RSS, Report.WHARF, 250);
        r.add(Metric.DISK_WRITE, Results.MACHINE, 1000);
        r.detail(Metric.PUSH_MONOLITHIC, "1 GiB");
        r.note("distribution served 10000 tags with n=100 in 1 page(s)");

        String md = Report.render("T", List.of("date: today"), r);

        assertThat(md).contains("- date: today")
                .contains("disk baseline").contains("1000 MiB/s, median of 1")
                .contains("| push one blob monolithically (POST + PUT) (1 GiB) | MiB/s | 200 | 100 | 2.00× | ≥ 1.70× distribution | yes |")
                .contains("| peak RSS of the server process (VmHWM) | MiB, max | 250 | — |  | ≤ 200 MiB | **no** |")
                .contains("- distribution served 10000 tags")
                .contains("| push_monolithic | Wharf | 300 | 100 | 200 |");
        assertThat(md).doesNotContain("pull one blob");
    }

    @Test
    void shouldJudgeEachKindOfGoalWhenValuesPresent() {
        assertThat(Goal.ratioAtLeast(1.7).met(Optional.of(17.0), Optional.of(10.0))).contains(true);
        assertThat(Goal.ratioAtLeast(1.7).met(Optional.of(16.9), Optional.of(10.0))).contains(false);
        assertThat(Goal.ratioAtLeast(1.7).met(Optional.of(16.9), Optional.empty())).isEmpty();
        assertThat(Goal.wharfAtMost(20).met(Optional.of(20.0), Optional.empty())).contains(true);
        assertThat(Goal.wharfAtLeast(85).met(Optional.of(84.9), Optional.of(1.0))).contains(false);
        assertThat(Goal.report().met(Optional.of(1.0), Optional.of(1.0))).isEmpty();
    }

    @Test
    void shouldRefuseValueWhenNotANumber() {
        assertThatThrownBy(() -> new Results().add(Metric.PULL, Report.WHARF, Double.NaN))
                .isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldLeaveRatioBlankWhenMetricIsAlreadyARatio() {
        Results r = new Results();
        r.add(Metric.PUSH_VS_DISK, Report.WHARF, 90);
        r.add(Metric.PUSH_VS_DISK, Report.DISTRIBUTION, 45);
        assertThat(Report.render("T", List.of(), r)).contains("| % | 90.0 | 45.0 |  | ≥ 85 % | yes |");
    }
}
