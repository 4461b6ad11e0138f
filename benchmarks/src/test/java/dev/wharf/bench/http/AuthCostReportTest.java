package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthCostReportTest {

    private static void add(Results r, Metric m, String login, double... rounds) {
        for (double v : rounds) {
            r.add(m, login, v);
        }
    }

    @Test
    void shouldReportMediansRatiosAndTheTokenGoalWhenEveryLoginRan() {
        Results r = new Results();
        add(r, Metric.MANIFEST_GET, "anonymous", 30000, 10000, 20000);
        add(r, Metric.MANIFEST_GET, "Basic", 15000, 14000, 13000);
        add(r, Metric.MANIFEST_GET, "token", 17000, 16000, 18000);
        add(r, Metric.BLOB_HEAD, "anonymous", 20000, 20000, 20000);
        add(r, Metric.BLOB_HEAD, "Basic", 19000, 19000, 19000);
        add(r, Metric.BLOB_HEAD, "token", 15000, 15000, 15000);
        add(r, Metric.BLOB_HEAD_P99, "anonymous", 4, 4, 4);
        add(r, Metric.BLOB_HEAD_P99, "Basic", 5, 5, 5);
        add(r, Metric.BLOB_HEAD_P99, "token", 6, 6, 6);
        r.detail(Metric.MANIFEST_GET, "64 connections, wrk, 20 s");

        String md = AuthCostReport.render("T", List.of("date: today"), r);

        assertThat(md).contains("## T").contains("- date: today")
                .contains("| workload | unit | anonymous | Basic | token | Basic/anonymous | token/anonymous | goal (token) | met |")
                .contains("| manifest GET by tag (64 connections, wrk, 20 s) | req/s | 20000 | 14000 | 17000 | 0.700× | 0.850× "
                        + "| ≥ 0.80× anonymous | yes |")
                .contains("| blob HEAD | req/s | 20000 | 19000 | 15000 | 0.950× | 0.750× | ≥ 0.80× anonymous | **no** |")
                .contains("| blob HEAD, p99 latency | ms | 4.00 | 5.00 | 6.00 | 1.25× | 1.50× | report |  |")
                .contains("| workload | login | round 1 | round 2 | round 3 |")
                .contains("| manifest_get | anonymous | 30000 | 10000 | 20000 |")
                .contains("| blob_head | token | 15000 | 15000 | 15000 |");
        assertThat(md).doesNotContain("manifest GET by tag, p99 latency");
    }

    @Test
    void shouldLeaveRatiosAndVerdictBlankWhenALoginIsMissing() {
        Results r = new Results();
        r.add(Metric.BLOB_HEAD, "Basic", 100);
        assertThat(AuthCostReport.render("T", List.of(), r))
                .contains("| blob HEAD | req/s | — | 100 | — |  |  | ≥ 0.80× anonymous |  |");
    }

    @Test
    void shouldNameTheBaselineWhenDescribingARatioGoal() {
        assertThat(Goal.ratioAtLeast(0.8).describe("req/s", "anonymous")).isEqualTo("≥ 0.80× anonymous");
        assertThat(Goal.ratioAtLeast(1.7).describe("MiB/s")).isEqualTo("≥ 1.70× distribution");
    }
}
