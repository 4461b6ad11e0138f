package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MirrorPullMainTest {

    @Test
    void shouldReadTheImageShapeAndKeepTheDefaultsOtherwise() {
        MirrorPullMain.Options defaults = MirrorPullMain.Options.parse();
        assertThat(defaults.rounds()).isEqualTo(5);
        assertThat(defaults.layers()).isEqualTo(4);
        assertThat(defaults.layerMib()).isEqualTo(16);
        assertThat(defaults.warmPulls()).isEqualTo(5);
        assertThat(defaults.out()).isEqualTo(Path.of("benchmarks/target/mirror-results.md"));

        MirrorPullMain.Options o = MirrorPullMain.Options.parse("--rounds", "2", "--layers", "3", "--layer-mib", "1",
                "--warm-pulls", "4", "--out", "x.md");
        assertThat(List.of(o.rounds(), o.layers(), o.layerMib(), o.warmPulls())).containsExactly(2, 3, 1, 4);
        assertThat(o.out()).isEqualTo(Path.of("x.md"));
        assertThatIllegalArgumentException().isThrownBy(() -> MirrorPullMain.Options.parse("--layers", "0"));
        assertThatIllegalArgumentException().isThrownBy(() -> MirrorPullMain.Options.parse("--wharf-arg", "--x"))
                .withMessageContaining("unknown option --wharf-arg");
    }

    @Test
    void shouldReportMediansAndTheRatioOfEachMirrorPullToItsPeer() {
        MirrorPullMain.Options o = MirrorPullMain.Options.parse("--rounds", "3", "--layers", "1", "--layer-mib", "1");
        String report = MirrorPullMain.render(o, 1024 * 1024, List.of(100.0, 200.0, 300.0), List.of(300.0, 400.0, 500.0),
                List.of(10.0, 20.0, 30.0), List.of(20.0, 10.0, 15.0), "");
        assertThat(report).contains("| cold, through the mirror | 400 |").contains("| straight from the upstream | 2.00× |");
        assertThat(report).contains("| warm, through the mirror | 15.0 |")
                .contains("| warm, straight from the upstream | 0.750× |");
    }
}
