package dev.wharf.bench.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a reader of the results needs to judge them: when, on what machine (cores, CPU, kernel, load at the
 * start), with which Java, registry versions and load tools, on which filesystem, with which sizes. The
 * machine, version and filesystem lines are shared with the slow-client harness.
 */
public final class Environment {
    private Environment() {
    }

    static List<String> describe(HarnessOptions o, Path scratch) {
        List<String> lines = new ArrayList<>();
        lines.add("date: " + HarnessMain.now());
        lines.add("machine: " + machine());
        lines.add(java() + " for the harness and the launcher; launcher environment MALLOC_ARENA_MAX="
                + ServerProcess.wharfEnvironment().getOrDefault("MALLOC_ARENA_MAX", System.getenv("MALLOC_ARENA_MAX"))
                + ", options " + String.join(" ", o.wharfJavaOptions())
                + (o.wharfArgs().isEmpty() ? "" : "; launcher flags " + String.join(" ", o.wharfArgs())));
        if (o.targets().contains("wharf")) {
            lines.add("Wharf: " + o.wharfJar() + " (launcher defaults for storage)");
        }
        if (o.targets().contains("distribution")) {
            lines.add("distribution: " + distributionVersion(o.distribution())
                    + ", filesystem storage, blobdescriptor cache inmemory");
        }
        lines.add(loadClients(o.wrk()));
        lines.add("work dir: " + scratch.getParent() + " on " + filesystem(scratch));
        lines.add("sizes: blob " + HarnessOptions.human(o.blobSize()) + ", chunk " + HarnessOptions.human(o.chunkSize())
                + ", " + o.smallBlobs() + " small blobs of " + HarnessOptions.human(o.smallBlobSize()) + ", "
                + o.clients() + " clients, " + o.connections() + " connections, " + o.seconds() + " s measured after "
                + o.warmupSeconds() + " s warm-up, " + o.tags() + " tags, " + o.repositories() + " repositories, n="
                + o.pageSize());
        lines.add("rounds: " + o.rounds() + ", each target started afresh per round, first target alternating;"
                + " medians over rounds (peak RSS: maximum)" + (o.warmupSeconds() > 0 ? harnessWarmUp(o) : ""));
        return lines;
    }

    /** The header's words on the harness's uncounted warm-up round ({@link HarnessOptions#forHarnessWarmUp}). */
    private static String harnessWarmUp(HarnessOptions o) {
        HarnessOptions w = o.forHarnessWarmUp();
        return "; before them an uncounted round warms the harness up (Wharf, or the only target; blobs of "
                + HarnessOptions.human(w.blobSize()) + ", loads of " + w.seconds() + " s)";
    }

    /** Which clients generate the manifest GET and blob HEAD loads ({@link ReadLoads}), with wrk's version. */
    static String loadClients(java.util.Optional<Path> wrk) {
        return "load client for manifest GET: " + wrk.map(w -> "wrk (" + command(w.toString(), "-v")
                .orElse("version unknown") + ")").orElse("Java, one selector thread") + "; for blob HEAD: Java, one selector"
                + " thread for all connections (wrk cannot read HEAD answers that carry Content-Length)";
    }

    /** Cores, CPU model, kernel and the load average now. */
    public static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores (nproc), "
                + firstLine(Path.of("/proc/cpuinfo"), "model name").orElse("cpu unknown") + ", kernel "
                + read(Path.of("/proc/sys/kernel/osrelease")).orElse("?") + ", load average at start "
                + read(Path.of("/proc/loadavg")).map(s -> String.join(" ", List.of(s.split(" ")).subList(0, 3))).orElse("?");
    }

    /** This JVM's version and name. */
    public static String java() {
        return "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    /** What {@code docker-registry --version} prints, or the binary's path when it prints nothing. */
    public static String distributionVersion(Path binary) {
        return command(binary.toString(), "--version").orElse(binary.toString());
    }

    private static java.util.Optional<String> read(Path p) {
        try {
            return java.util.Optional.of(Files.readString(p, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<String> firstLine(Path p, String key) {
        return read(p).flatMap(text -> text.lines().filter(l -> l.startsWith(key)).findFirst())
                .map(l -> l.substring(l.indexOf(':') + 1).trim());
    }

    /** The filesystem type of the mount holding {@code p}, from /proc/mounts. */
    public static String filesystem(Path p) {
        String path = p.toAbsolutePath().toString();
        String best = "";
        String type = "unknown filesystem";
        for (String line : read(Path.of("/proc/mounts")).orElse("").lines().toList()) {
            String[] f = line.split(" ");
            if (f.length > 2 && (path.equals(f[1]) || path.startsWith(f[1].endsWith("/") ? f[1] : f[1] + "/"))
                    && f[1].length() > best.length()) {
                best = f[1];
                type = f[2] + " (" + f[0] + " at " + f[1] + ")";
            }
        }
        return type;
    }

    /** First line of a short command's output, if it ran. */
    private static java.util.Optional<String> command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    return java.util.Optional.empty();
                }
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst();
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }
}
