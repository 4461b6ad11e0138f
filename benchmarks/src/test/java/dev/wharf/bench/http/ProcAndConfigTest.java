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
    void shouldAddUserAndSystemTicksOfNamedThreadsOnly() {
        String stat = "4242 (wharf-webhook-0) S 4200 4200 0 0 -1 4194368 10 0 0 0 250 30 0 0 20 0 40 0 100 0 0";
        assertThat(ProcStatus.threadTicks(stat, "wharf-webhook")).isEqualTo(280);
        assertThat(ProcStatus.threadTicks(stat, "wharf-registry")).isZero();
        // a name may hold spaces and parentheses: the fields start after the last ')'
        assertThat(ProcStatus.threadTicks("7 (a) (b c) R 1 1 0 0 -1 0 0 0 0 0 7 5 0 0 20 0 1 0 9 0 0", "a)"))
                .isEqualTo(12);
        assertThatThrownBy(() -> ProcStatus.threadTicks("garbage", "x")).isInstanceOf(BenchmarkFailure.class);
    }

    @Test
    void shouldCountTheCpuOfALiveThreadByName() throws Exception {
        java.util.concurrent.CountDownLatch burnt = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        Thread burner = new Thread(() -> {
            // burn 0.2 s of this thread's own CPU, however busy the machine (/proc counts in 10 ms ticks)
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < 200_000_000L) {
                for (int i = 0; i < 10_000; i++) {
                    x += System.nanoTime() % 7;
                }
            }
            burnt.countDown();
            try {
                read.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(x).isNotNegative();
        }, "cpu-burner-test");
        burner.start();
        burnt.await();
        try {
            long pid = ProcessHandle.current().pid();
            assertThat(ProcStatus.threadCpuSeconds(pid, "cpu-burner")).isGreaterThanOrEqualTo(0.1);
            assertThat(ProcStatus.threadCpuSeconds(pid, "no-such-thread")).isZero();
        } finally {
            read.countDown();
            burner.join();
        }
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
