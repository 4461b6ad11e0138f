package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads memory figures from Linux's {@code /proc/PID/status}. */
final class ProcStatus {
    private ProcStatus() {
    }

    /** The value of a {@code kB} line such as {@code VmHWM:   123456 kB}. */
    static long kib(long pid, String field) {
        try {
            return parse(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), field);
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
}
