package dev.wharf.bench.http;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcAndConfigTest {

    @Test
    void shouldReadPeakRssWhenStatusHasVmHwm() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 3000000 kB", "VmHWM:\t  181234 kB", "VmRSS:\t 170000 kB");
        assertThat(ProcStatus.parse(status, "VmHWM")).isEqualTo(181_234);
        assertThatThrownBy(() -> ProcStatus.parse(List.of("Name:\tx"), "VmHWM")).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldReadThreadsAndRssFromOneStatusWhenSampled() {
        List<String> status = List.of("Name:\tregistry", "Threads:\t17", "VmRSS:\t   65536 kB");
        assertThat(ProcStatus.count(status, "Threads")).isEqualTo(17);
        assertThat(ProcStatus.parse(status, "VmRSS")).isEqualTo(65_536);
        ProcStatus.Sample own = ProcStatus.sample(ProcessHandle.current().pid());
        assertThat(own.threads()).isGreaterThan(1);
        assertThat(own.rssKiB()).isPositive();
    }

    @Test
    void shouldReadTheSoftOpenFileLimitWhenListed() {
        List<String> limits = List.of("Limit                     Soft Limit           Hard Limit           Units     ",
                "Max processes             95000                95000                processes ",
                "Max open files            20000                65536                files     ");
        assertThat(ProcStatus.parseOpenFileLimit(limits)).hasValue(20_000);
        assertThat(ProcStatus.parseOpenFileLimit(List.of("Max open files            unlimited            unlimited            files")))
                .isEmpty();
        assertThat(ProcStatus.openFileLimit(ProcessHandle.current().pid())).isPresent();
    }

    @Test
    void shouldReadOwnPeakRssWhenOnLinux() {
        assertThat(ProcStatus.kib(ProcessHandle.current().pid(), "VmHWM")).isPositive();
    }

    @Test
    void shouldConfigureDistributionForLoopbackFilesystemAndQuietLogsWhenGenerated() {
        String yaml = DistributionConfig.yaml(Path.of("/var/tmp/d/data"), 41234);
        assertThat(yaml).contains("addr: 127.0.0.1:41234").contains("rootdirectory: /var/tmp/d/data")
                .contains("blobdescriptor: inmemory").contains("level: error").doesNotContain("\t");
    }

    @Test
    void shouldNameFilesystemOfRootWhenAsked() {
        assertThat(Environment.filesystem(Path.of("/"))).isNotEqualTo("unknown filesystem");
    }

    @Test
    void shouldStartTheLauncherOnADataDirectoryUnlessAskedToKeepEverythingInMemory() {
        Path jar = Path.of("w.jar");
        Path dir = Path.of("/tmp/run");
        List<String> onDisk = ServerProcess.wharfCommand(jar, List.of("-Xmx128m"), List.of("--max-headers", "50"), dir, 5000);
        assertThat(onDisk).containsSubsequence("-Xmx128m", "-jar", "--port", "5000", "--data-dir", "/tmp/run/data",
                "--max-headers", "50");
        List<String> inMemory = ServerProcess.wharfCommand(jar, List.of(), List.of("--in-memory"), dir, 5000);
        assertThat(inMemory).contains("--in-memory").doesNotContain("--data-dir");
    }
}
