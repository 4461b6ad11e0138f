package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads a process's memory, thread count and open-file limit from Linux's {@code /proc/PID/status} and
 * {@code /proc/PID/limits}. The thread count is the kernel's: every OS thread of a JVM (Jetty's pool, the JIT
 * compiler, the collector) and of a Go program (its runtime's threads, not its goroutines).
 */
public final class ProcStatus {
    private ProcStatus() {
    }

    /**
     * One reading of a process.
     *
     * @param threads its OS threads ({@code Threads})
     * @param rssKiB  its resident set size now ({@code VmRSS}), KiB
     */
    public record Sample(int threads, long rssKiB) {
    }

    /** The value of a {@code kB} line such as {@code VmHWM:   123456 kB}. */
    public static long kib(long pid, String field) {
        return parse(status(pid), field);
    }

    /** Thread count and resident set, from one read of the status file. */
    public static Sample sample(long pid) {
        List<String> lines = status(pid);
        return new Sample((int) count(lines, "Threads"), parse(lines, "VmRSS"));
    }

    /**
     * The CPU seconds (user and system) that the threads of process {@code pid} whose names start with
     * {@code namePrefix} have used, from {@code /proc/PID/task/TID/stat}: in Linux's clock ticks of 10 ms, and
     * only threads alive now. Names are the kernel's, cut to 15 characters.
     */
    public static double threadCpuSeconds(long pid, String namePrefix) {
        long ticks = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    ticks += threadTicks(Files.readString(task.resolve("stat")), namePrefix);
                } catch (java.nio.file.NoSuchFileException ended) {
                    // the thread ended while the directory was read
                }
            }
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot read /proc/" + pid + "/task: " + e, e);
        }
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** Linux's {@code USER_HZ}, the unit of {@code /proc} CPU times: 100 on every architecture it runs on. */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    /** User plus system ticks from one thread's {@code stat} line if its name starts with {@code prefix}, else 0. */
    static long threadTicks(String stat, String prefix) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new BenchmarkFailure("not a /proc stat line: " + stat);
        }
        if (!stat.substring(open + 1, close).startsWith(prefix)) {
            return 0;
        }
        String[] fields = stat.substring(close + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime: fields 14 and 15
    }

    /** The soft limit on open files ({@code Max open files} in /proc/PID/limits); empty when unlimited. */
    public static OptionalLong openFileLimit(long pid) {
        try {
            return parseOpenFileLimit(Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits")));
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot read /proc/" + pid + "/limits: " + e, e);
        }
    }

    private static List<String> status(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot read /proc/" + pid + "/status: " + e, e);
        }
    }

    static long parse(List<String> lines, String field) {
        for (String line : lines) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]);
                }
            }
        }
        throw new BenchmarkFailure("no " + field + " line in /proc status");
    }

    /** The value of a unit-less line such as {@code Threads:\t12}. */
    static long count(List<String> lines, String field) {
        for (String line : lines) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new BenchmarkFailure("no " + field + " line in /proc status");
    }

    /** Parses {@code Max open files   20000   65536   files}: the soft limit, the first number. */
    static OptionalLong parseOpenFileLimit(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soft));
            }
        }
        throw new BenchmarkFailure("no 'Max open files' line in /proc limits");
    }
}
