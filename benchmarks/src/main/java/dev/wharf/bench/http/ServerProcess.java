package dev.wharf.bench.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A registry under test, started as a child process on a free 127.0.0.1 port with a fresh data directory:
 * the Wharf launcher ({@code java -Xmx128m -jar wharf-registry.jar --host 127.0.0.1 --port P --data-dir D},
 * whatever storage it uses by default, then any flags the caller adds) or CNCF distribution
 * ({@code docker-registry serve config.yml}, with any {@code REGISTRY_*} overrides in its environment). The
 * child inherits the harness's limits, its open-file limit included. The process measured is
 * the one started here, never a system service: the port is checked to be free before the start, and the
 * child to be alive once the port answers ({@code GET /v2/} with 200, or 401 when it wants a login).
 * {@link #close()} stops it and deletes its directory.
 */
public final class ServerProcess implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 60;

    private final Target target;
    private final Process process;
    private final Path directory;
    private final Path log;

    private ServerProcess(Target target, Process process, Path directory, Path log) {
        this.target = target;
        this.process = process;
        this.directory = directory;
        this.log = log;
    }

    /** Fails, saying how to build it, when there is no launcher jar at {@code jar}. */
    public static void requireLauncherJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new BenchmarkFailure("no launcher jar at " + jar + "; build it first: mvn -B -q package -DskipTests");
        }
    }

    /**
     * Starts the Wharf launcher jar with {@code javaOptions} (e.g. {@code -Xmx128m}) and {@code launcherArgs}
     * after the host, port and data directory flags (e.g. a limit under test).
     */
    public static ServerProcess wharf(Path jar, List<String> javaOptions, List<String> launcherArgs, Path workDir) {
        Path dir = tempDir(workDir, "wharf-");
        int port = freePort();
        return start("Wharf", wharfCommand(jar, javaOptions, launcherArgs, dir, port), wharfEnvironment(), dir, port);
    }

    /**
     * What the README's small-server setting adds to the launcher's environment: {@code MALLOC_ARENA_MAX=2}, so
     * glibc does not give each of the request threads that allocate through RocksDB a malloc arena of its own
     * (15 to 20 MiB of peak RSS on the HTTP harness's run). Nothing when the harness's own environment sets it:
     * the launcher inherits that.
     */
    public static Map<String, String> wharfEnvironment() {
        return System.getenv().containsKey("MALLOC_ARENA_MAX") ? Map.of() : Map.of("MALLOC_ARENA_MAX", "2");
    }

    /**
     * The launcher's command line: the data directory is {@code dir/data}, unless {@code launcherArgs} ask for
     * {@code --in-memory}, which excludes one.
     */
    static List<String> wharfCommand(Path jar, List<String> javaOptions, List<String> launcherArgs, Path dir, int port) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--host", "127.0.0.1",
                "--port", Integer.toString(port)));
        if (!launcherArgs.contains("--in-memory")) {
            command.addAll(List.of("--data-dir", dir.resolve("data").toString()));
        }
        command.addAll(launcherArgs);
        return command;
    }

    /**
     * Starts CNCF distribution from {@code binary} with a generated configuration and {@code environment}
     * added to its environment (distribution reads {@code REGISTRY_HTTP_...}-style variables as overrides).
     */
    public static ServerProcess distribution(Path binary, Map<String, String> environment, Path workDir) {
        Path dir = tempDir(workDir, "distribution-");
        int port = freePort();
        Path config = dir.resolve("config.yml");
        try {
            Files.writeString(config, DistributionConfig.yaml(dir.resolve("data"), port));
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new UncheckedIOException(e);
        }
        return start("distribution", List.of(binary.toString(), "serve", config.toString()), environment, dir, port);
    }

    private static ServerProcess start(String name, List<String> command, Map<String, String> environment, Path dir,
                                       int port) {
        if (answers(port)) {
            TempDirs.delete(dir);
            throw new BenchmarkFailure("something already listens on 127.0.0.1:" + port);
        }
        Path log = dir.resolve("server.log");
        Process p;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            p = builder.start();
        } catch (IOException e) {
            TempDirs.delete(dir);
            throw new BenchmarkFailure("cannot start " + name + " (" + String.join(" ", command) + "): " + e, e);
        }
        ChildProcesses.track(p);
        ServerProcess server = new ServerProcess(new Target(name, "127.0.0.1", port), p, dir, log);
        try {
            server.awaitReady();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        try (RegistryClient client = new RegistryClient(target, 5_000)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new BenchmarkFailure(target.name() + " exited with " + process.exitValue() + " at start:\n"
                            + logTail());
                }
                if (answers(target.port())) {
                    Response r = client.send(Request.of("GET", "/v2/"));
                    // 401: a registry that wants a login says so at /v2/ (its challenge), and is up.
                    if ((r.status() == 200 || r.status() == 401) && process.isAlive()) {
                        return;
                    }
                    throw new BenchmarkFailure(target.name() + " answered GET /v2/ with " + r.describe());
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted", e);
        }
        throw new BenchmarkFailure(target.name() + " did not answer within " + START_TIMEOUT_SECONDS + " s:\n" + logTail());
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(Path workDir, String prefix) {
        try {
            return Files.createTempDirectory(workDir, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Target target() {
        return target;
    }

    /** Where its data lives, for disk-usage notes. */
    public Path directory() {
        return directory;
    }

    /** The process id, for /proc readings. */
    public long pid() {
        return process.pid();
    }

    /**
     * Waits, up to 10 s, until the process uses less than 20 ms of CPU in 250 ms: work a previous phase left it (a
     * metadata store flushing or compacting what the warm-up wrote) is then done, and not charged to the next.
     */
    public void awaitIdle() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        double before = cpuSeconds();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkFailure("interrupted", e);
            }
            double now = cpuSeconds();
            if (now - before < 0.02) {
                return;
            }
            before = now;
        }
    }

    /** The CPU seconds (user and system) the process has used so far; NaN where the JVM cannot tell. */
    public double cpuSeconds() {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Its thread count and resident set now. */
    public ProcStatus.Sample sample() {
        return ProcStatus.sample(process.pid());
    }

    /** Whether it still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Peak resident set size so far ({@code VmHWM} in /proc/PID/status), in KiB. */
    public long peakRssKiB() {
        return ProcStatus.kib(process.pid(), "VmHWM");
    }

    /** Fails if the server died during a workload, with the end of its log. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new BenchmarkFailure(target.name() + " died (exit " + process.exitValue() + "):\n" + logTail());
        }
    }

    private String logTail() {
        try {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. Idempotent. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            ChildProcesses.untrack(process);
            TempDirs.delete(directory);
        }
    }
}
