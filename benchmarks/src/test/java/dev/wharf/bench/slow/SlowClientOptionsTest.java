package dev.wharf.bench.slow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlowClientOptionsTest {

    @Test
    void shouldUseTheIssueSizesWhenNoOptionsGiven() {
        SlowClientOptions o = SlowClientOptions.parse();
        assertThat(o.clients()).isEqualTo(1000);
        assertThat(o.downloadRate()).isEqualTo(256 * 1024);
        assertThat(o.blobSize()).isEqualTo(64L << 20);
        assertThat(o.receiveBuffer()).isEqualTo(32 * 1024);
        assertThat(o.uploads()).isEqualTo(300);
        assertThat(o.uploadRate()).isEqualTo(4);
        assertThat(o.uploadSize()).isEqualTo(1L << 20);
        assertThat(o.seconds()).isEqualTo(30);
        assertThat(o.tickMillis()).isEqualTo(50);
        assertThat(o.probeRate()).isEqualTo(10.0);
        assertThat(o.probeTimeoutMillis()).isEqualTo(5000);
        assertThat(o.phases()).containsExactly(SlowClientOptions.Phase.DOWNLOADS, SlowClientOptions.Phase.UPLOADS);
        assertThat(o.targets()).containsExactly("wharf", "distribution");
        assertThat(o.wharfJavaOptions()).containsExactly("-Xmx128m", "-Xms32m", "-XX:+UseSerialGC",
                "-XX:MaxInlineLevel=6", "-XX:FreqInlineSize=50", "-XX:InlineSmallCode=500");
        assertThat(o.wharfArgs()).isEmpty();
        assertThat(o.distributionEnv()).isEmpty();
        assertThat(o.out()).isEqualTo(Path.of("benchmarks/target/slow-clients.md"));
        assertThat(o.maxConnections()).isEqualTo(1000);
        assertThat(o.help()).isFalse();
    }

    @Test
    void shouldTakeTheSmokeRunAndPerServerFlagsWhenGiven() {
        SlowClientOptions o = SlowClientOptions.parse("--clients", "100", "--uploads", "50", "--seconds", "10",
                "--rate", "1m", "--upload-rate", "2k", "--probe-timeout", "2.5", "--probe-rate", "20",
                "--phases", "uploads", "--targets", "distribution",
                "--wharf-arg", "--max-connections=500", "--wharf-arg", "--upload-expiry=PT5M",
                "--distribution-env", "REGISTRY_HTTP_HTTP2_DISABLED=true", "--out", "/tmp/s.md");
        assertThat(o.clients()).isEqualTo(100);
        assertThat(o.uploads()).isEqualTo(50);
        assertThat(o.seconds()).isEqualTo(10);
        assertThat(o.downloadRate()).isEqualTo(1 << 20);
        assertThat(o.uploadRate()).isEqualTo(2048);
        assertThat(o.probeTimeoutMillis()).isEqualTo(2500);
        assertThat(o.probeRate()).isEqualTo(20.0);
        assertThat(o.phases()).containsExactly(SlowClientOptions.Phase.UPLOADS);
        assertThat(o.targets()).containsExactly("distribution");
        assertThat(o.wharfArgs()).containsExactly("--max-connections=500", "--upload-expiry=PT5M");
        assertThat(o.distributionEnv()).isEqualTo(Map.of("REGISTRY_HTTP_HTTP2_DISABLED", "true"));
        assertThat(o.maxConnections()).isEqualTo(50);
        assertThat(o.out()).isEqualTo(Path.of("/tmp/s.md"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--clients|0", "--clients|-5", "--rate|fast", "--rate|0", "--upload-rate|8g", "--seconds|0",
            "--tick-ms|2000", "--probe-rate|0", "--probe-rate|5000", "--probe-timeout|0.01", "--probe-timeout|x",
            "--phases|downloads,sideways", "--targets|zot", "--distribution-env|=x", "--distribution-env|NOEQUALS",
            "--clients|20001", "--no-such-option|1"})
    void shouldRefuseWhenAValueIsOutOfRange(String name, String value) {
        assertThatThrownBy(() -> SlowClientOptions.parse(name, value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAnOptionWithoutItsValue() {
        assertThatThrownBy(() -> SlowClientOptions.parse("--seconds")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a value");
    }

    @Test
    void shouldGiveTheRunAHardDeadlineCoveringEveryPhase() {
        SlowClientOptions smoke = SlowClientOptions.parse("--seconds", "10");
        SlowClientOptions full = SlowClientOptions.parse();
        assertThat(SlowClientMain.hardDeadlineSeconds(smoke)).isGreaterThan(2 * 2 * 10);
        assertThat(SlowClientMain.hardDeadlineSeconds(full) - SlowClientMain.hardDeadlineSeconds(smoke))
                .isEqualTo(2 * 2 * 20);
    }
}
