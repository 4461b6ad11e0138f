package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScalingMainTest {

    @Test
    void shouldRotateNodeCountsWhenRoundsFollow() {
        assertThat(ScalingMain.order(3, 1)).containsExactly(1, 2, 3);
        assertThat(ScalingMain.order(3, 2)).containsExactly(2, 3, 1);
        assertThat(ScalingMain.order(3, 3)).containsExactly(3, 1, 2);
        assertThat(ScalingMain.order(3, 4)).isEqualTo(ScalingMain.order(3, 1));
        assertThat(ScalingMain.order(1, 5)).containsExactly(1);
    }

    @Test
    void shouldCountBusyTicksButNotIdleOrIowaitWhenReadingProcStat() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        assertThat(ScalingMain.busy("cpu  100 20 30 5000 70 1 2 3 9 9")).isEqualTo(Duration.ofMillis(156 * 10));
        assertThatThrownBy(() -> ScalingMain.busy("cpu0 1 2 3 4")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountTheCpuTimeOfThisProcessWhenAskedForItsTree() {
        Duration own = ScalingMain.tree(ProcessHandle.current().pid());
        assertThat(own).isPositive();
        assertThat(ScalingMain.tree(Long.MAX_VALUE)).isZero(); // no such process
    }

    @Test
    void shouldRenderMediansRatiosAndCoresWhenMeasured() {
        List<ScalingReport.Measurement> all = List.of(
                new ScalingReport.Measurement(1, 1, ScalingReport.Load.MANIFEST_GET, 1000, 5,
                        Map.of(ScalingMain.NODES, 1.0, ScalingMain.CLIENT, 0.5)),
                new ScalingReport.Measurement(2, 1, ScalingReport.Load.MANIFEST_GET, 1200, 7,
                        Map.of(ScalingMain.NODES, 1.2, ScalingMain.CLIENT, 0.5)),
                new ScalingReport.Measurement(1, 2, ScalingReport.Load.MANIFEST_GET, 1500, 4,
                        Map.of(ScalingMain.NODES, 1.4, ScalingMain.CLIENT, 0.5)),
                new ScalingReport.Measurement(2, 2, ScalingReport.Load.MANIFEST_GET, 1700, 6,
                        Map.of(ScalingMain.NODES, 1.6, ScalingMain.CLIENT, 0.5)));
        String report = ScalingReport.render(List.of("date: today"), 2, 2, all);
        assertThat(report).contains("- date: today")
                .contains("| manifest GET by tag | 1 | 1100 | 1.00× | 6.00 |")
                .contains("| manifest GET by tag | 2 | 1600 | 1.45× | 5.00 |")
                .contains("| manifest GET by tag | 2 | 1.50 | 0.500 |")
                .contains("| manifest GET by tag | 1 | 1000 | 1200 |")
                .contains("| blob HEAD | 1 |  |  |");
    }

    @Test
    void shouldRefuseMoreNodesThanConnectionsWhenParsing() {
        assertThatThrownBy(() -> ScalingOptions.parse("--nodes", "4", "--connections", "3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a connection");
        assertThatThrownBy(() -> ScalingOptions.parse("--watch", "postgres"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LABEL=PID");
        ScalingOptions o = ScalingOptions.parse("--nodes", "2", "--watch", "PostgreSQL=12", "--watch", "s3proxy=13",
                "--wharf-arg", "--metadata=jdbc:postgresql://x/y");
        assertThat(o.nodes()).isEqualTo(2);
        assertThat(o.watched()).containsExactly(Map.entry("PostgreSQL", 12L), Map.entry("s3proxy", 13L));
        assertThat(o.wharfArgs()).containsExactly("--metadata=jdbc:postgresql://x/y");
        assertThat(o.loads().wrk()).isEmpty();
    }
}
