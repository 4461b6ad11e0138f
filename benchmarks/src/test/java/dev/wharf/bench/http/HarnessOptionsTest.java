package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HarnessOptionsTest {

    @ParameterizedTest
    @CsvSource({"4096,4096", "4k,4096", "4K,4096", "4KiB,4096", "16m,16777216", "16MiB,16777216",
            "1g,1073741824", "1GB,1073741824", "64m,67108864"})
    void shouldParseBinarySizesWhenSuffixed(String text, long bytes) {
        assertThat(HarnessOptions.size(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "abc", "1t", "''", "9999999999g"})
    void shouldRefuseSizeWhenNotAPositiveAmount(String text) {
        assertThatThrownBy(() -> HarnessOptions.size(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldUseTheDocumentedGoalsSizesWhenNoOptionsGiven() {
        HarnessOptions o = HarnessOptions.parse();
        assertThat(o.blobSize()).isEqualTo(1L << 30);
        assertThat(o.chunkSize()).isEqualTo(16L << 20);
        assertThat(o.smallBlobs()).isEqualTo(2000);
        assertThat(o.smallBlobSize()).isEqualTo(4096);
        assertThat(o.clients()).isEqualTo(16);
        assertThat(o.connections()).isEqualTo(64);
        assertThat(o.tags()).isEqualTo(10_000);
        assertThat(o.repositories()).isEqualTo(1000);
        assertThat(o.pageSize()).isEqualTo(100);
        assertThat(o.rounds()).isEqualTo(3);
        assertThat(o.warmupSeconds()).isEqualTo(10);
        assertThat(o.wharfJavaOptions()).containsExactly("-Xmx128m", "-Xms32m", "-XX:+UseSerialGC",
                "-XX:MaxInlineLevel=6", "-XX:FreqInlineSize=50", "-XX:InlineSmallCode=500");
        assertThat(o.targets()).containsExactly("wharf", "distribution");
        assertThat(o.help()).isFalse();
    }

    @Test
    void shouldShrinkOnlyBlobsAndLoadTimesForTheHarnessWarmUpRound() {
        HarnessOptions o = HarnessOptions.parse("--seconds", "20", "--warmup", "10", "--tags", "3000");
        HarnessOptions w = o.forHarnessWarmUp();
        assertThat(w.rounds()).isEqualTo(1);
        assertThat(w.blobSize()).isEqualTo(64L << 20);
        assertThat(w.chunkSize()).isEqualTo(16L << 20);
        assertThat(w.seconds()).isEqualTo(2);
        assertThat(w.warmupSeconds()).isEqualTo(1);
        assertThat(w).usingRecursiveComparison()
                .ignoringFields("rounds", "blobSize", "chunkSize", "seconds", "warmupSeconds").isEqualTo(o);

        HarnessOptions small = HarnessOptions.parse("--blob-size", "1m", "--chunk-size", "256k", "--seconds", "1")
                .forHarnessWarmUp();
        assertThat(small.blobSize()).isEqualTo(1L << 20);
        assertThat(small.chunkSize()).isEqualTo(256L << 10);
        assertThat(small.seconds()).isEqualTo(1);
    }

    @Test
    void shouldTakeSmokeSizesWhenGiven() {
        HarnessOptions o = HarnessOptions.parse("--rounds", "1", "--blob-size", "64m", "--small-blobs", "200",
                "--seconds", "3", "--warmup", "0", "--wrk", "none", "--targets", "distribution,wharf",
                "--wharf-java-opt", "-Xmx256m", "--wharf-java-opt", "-XX:+UseSerialGC", "--out", "/tmp/x.md");
        assertThat(o.rounds()).isEqualTo(1);
        assertThat(o.blobSize()).isEqualTo(64L << 20);
        assertThat(o.warmupSeconds()).isZero();
        assertThat(o.wrk()).isEmpty();
        assertThat(o.targets()).containsExactly("distribution", "wharf");
        assertThat(o.wharfJavaOptions()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x.md"));
        assertThat(o.wharfArgs()).isEmpty();
        assertThat(o.distributionEnv()).isEmpty();
    }

    @Test
    void shouldPassLauncherFlagsAndDistributionEnvironmentWhenGiven() {
        HarnessOptions o = HarnessOptions.parse("--wharf-arg", "--upload-expiry", "--wharf-arg", "PT5M",
                "--distribution-env", "REGISTRY_HTTP_SECRET=a=b", "--distribution-env", "REGISTRY_LOG_LEVEL=info");
        assertThat(o.wharfArgs()).containsExactly("--upload-expiry", "PT5M");
        assertThat(o.distributionEnv()).containsEntry("REGISTRY_HTTP_SECRET", "a=b")
                .containsEntry("REGISTRY_LOG_LEVEL", "info").hasSize(2);
        assertThatThrownBy(() -> HarnessOptions.parse("--distribution-env", "NOVALUE"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseCommandLineWhenWrong() {
        for (List<String> args : List.of(List.of("--rounds"), List.of("--rounds", "0"), List.of("--bogus", "1"),
                List.of("--targets", "zot"), List.of("--blob-size", "1m", "--chunk-size", "2m"),
                List.of("--seconds", "x"))) {
            assertThatThrownBy(() -> HarnessOptions.parse(args.toArray(String[]::new)))
                    .as(args.toString()).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldPrintSizesForHumansWhenExact() {
        assertThat(HarnessOptions.human(1L << 30)).isEqualTo("1 GiB");
        assertThat(HarnessOptions.human(16L << 20)).isEqualTo("16 MiB");
        assertThat(HarnessOptions.human(4096)).isEqualTo("4 KiB");
        assertThat(HarnessOptions.human(1000)).isEqualTo("1000 B");
    }

    @Test
    void shouldListTheDefaultJavaOptionsInEveryUsageWrappedInTheMarksColumn() {
        String usage = HarnessOptions.withDefaultJavaOptions("""
                  --opt X    replaces the default
                             {default launcher JVM options}
                  --next
                """);

        assertThat(usage).doesNotContain("{default");
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(90));
        assertThat(usage.lines().skip(1).takeWhile(line -> !line.contains("--next")))
                .allSatisfy(line -> assertThat(line).startsWith(" ".repeat(13) + "-"));
        assertThat(usage.lines().skip(1).takeWhile(line -> !line.contains("--next")).map(String::strip)
                .flatMap(line -> List.of(line.split(" ")).stream()))
                .containsExactlyElementsOf(HarnessOptions.DEFAULT_WHARF_JAVA_OPTIONS);
    }

    /** The shell scripts that start the launcher themselves take the same options from {@code scripts.sh}. */
    @Test
    void shouldKeepTheScriptsSmallServerOptionsTheSameAsTheHarnesses() throws IOException {
        String prefix = "small_server_jvm=(";
        String line = Files.readAllLines(Path.of("scripts.sh")).stream().filter(l -> l.startsWith(prefix))
                .findFirst().orElseThrow();

        assertThat(line.substring(prefix.length(), line.length() - 1).split(" "))
                .containsExactlyElementsOf(HarnessOptions.DEFAULT_WHARF_JAVA_OPTIONS);
    }
}
