package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthCostOptionsTest {

    @Test
    void shouldUseTheHttpHarnessLoadsWhenNoOptionsGiven() {
        AuthCostOptions o = AuthCostOptions.parse();
        HarnessOptions http = HarnessOptions.parse();
        assertThat(o.loads()).isEqualTo(ReadLoads.of(http));
        assertThat(o.loads().connections()).isEqualTo(64);
        assertThat(o.rounds()).isEqualTo(http.rounds()).isEqualTo(3);
        assertThat(o.wharfJavaOptions()).isEqualTo(http.wharfJavaOptions());
        assertThat(o.wharfJar()).isEqualTo(http.wharfJar());
        assertThat(o.workDir()).isEqualTo(http.workDir());
        assertThat(o.wharfArgs()).isEmpty();
        assertThat(o.out()).isEqualTo(Path.of("benchmarks/target/auth-results.md"));
        assertThat(o.help()).isFalse();
        assertThat(o.loadSeconds()).isEqualTo(60);
    }

    @Test
    void shouldTakeSmokeRunValuesWhenGiven() {
        AuthCostOptions o = AuthCostOptions.parse("--rounds", "1", "--seconds", "3", "--warmup", "1", "--connections",
                "8", "--wrk", "none", "--wharf-java-opt", "-Xmx256m", "--wharf-arg", "--in-memory", "--out", "/tmp/a.md");
        assertThat(o.rounds()).isEqualTo(1);
        assertThat(o.loads()).isEqualTo(new ReadLoads(java.util.Optional.empty(), 8, 1, 3));
        assertThat(o.loadSeconds()).isEqualTo(8);
        assertThat(o.wharfJavaOptions()).containsExactly("-Xmx256m");
        assertThat(o.wharfArgs()).containsExactly("--in-memory");
        assertThat(o.out()).isEqualTo(Path.of("/tmp/a.md"));
        assertThat(AuthCostOptions.parse("--help").help()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--htpasswd", "--token-auth", "--anonymous-pull", "--access", "--access=policy.yml"})
    void shouldRefuseLauncherFlagWhenItIsALoginFlag(String flag) {
        assertThatThrownBy(() -> AuthCostOptions.parse("--wharf-arg", flag))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("login flags");
    }

    @Test
    void shouldRefuseCommandLineWhenWrongOrMeantForTheComparison() {
        for (List<String> args : List.of(List.of("--rounds"), List.of("--rounds", "0"), List.of("--seconds", "x"),
                List.of("--warmup", "-1"), List.of("--targets", "wharf"), List.of("--distribution", "/bin/true"),
                List.of("--blob-size", "1m"), List.of("--bogus", "1"))) {
            assertThatThrownBy(() -> AuthCostOptions.parse(args.toArray(String[]::new)))
                    .as(args.toString()).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
