package dev.wharf.testing.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Launcher} in a child JVM on the test class path, as {@code java -jar wharf-registry.jar} would run
 * it, with its standard output watched for the ready line and its standard error kept in a file.
 */
public final class LauncherProcess implements AutoCloseable {
    static final Pattern READY = Pattern.compile("Wharf registry listening on (https?://\\S+) \\(data: (.+)\\)");

    private final Process process;
    private final Path stderrFile;
    private final StringBuffer stdout = new StringBuffer();
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

    private LauncherProcess(Process process, Path stderrFile) {
        this.process = process;
        this.stderrFile = stderrFile;
        Thread reader = new Thread(this::readStdout, "launcher-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java <jvmOptions> -cp <test class path> dev.wharf.testing.launcher.Launcher <args>} in
     * {@code workingDirectory}.
     */
    public static LauncherProcess start(Path workingDirectory, List<String> jvmOptions, String... args) {
        List<String> launch = new ArrayList<>(jvmOptions);
        launch.addAll(List.of("-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        return run(workingDirectory, launch, args);
    }

    /** Starts {@code java -jar <jar> <args>} in {@code workingDirectory}. */
    static LauncherProcess startJar(Path workingDirectory, Path jar, String... args) {
        return startJar(workingDirectory, List.of(), jar, args);
    }

    /** Starts {@code java <jvmOptions> -jar <jar> <args>} in {@code workingDirectory}. */
    static LauncherProcess startJar(Path workingDirectory, List<String> jvmOptions, Path jar, String... args) {
        List<String> launch = new ArrayList<>(jvmOptions);
        launch.addAll(List.of("-jar", jar.toString()));
        return run(workingDirectory, launch, args);
    }

    /** Starts {@code java <jvmOptions> -cp <classPath> <mainClass> <args>} in {@code workingDirectory}. */
    static LauncherProcess startMain(Path workingDirectory, List<String> jvmOptions, String classPath,
                                     String mainClass, String... args) {
        List<String> launch = new ArrayList<>(jvmOptions);
        launch.addAll(List.of("-cp", classPath, mainClass));
        return run(workingDirectory, launch, args);
    }

    /** Where the child's {@code java.io.tmpdir} is: RocksDB extracts its native library there unless given one. */
    static Path temporaryDirectory(Path workingDirectory) {
        return workingDirectory.resolve("tmp");
    }

    private static LauncherProcess run(Path workingDirectory, List<String> launch, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // RocksDB extracts its 15 MB native library into java.io.tmpdir and deletes it only on a normal exit:
        // each killed child would leave one behind in the machine's /tmp. Keep them in the test's directory.
        command.add("-Djava.io.tmpdir=" + temporaryDirectory(workingDirectory));
        command.addAll(launch);
        command.addAll(List.of(args));
        try {
            Files.createDirectories(temporaryDirectory(workingDirectory));
            Path stderr = Files.createTempFile(workingDirectory, "launcher-", ".stderr");
            Process process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            process.getOutputStream().close();
            return new LauncherProcess(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Waits for the ready line and returns its base URI; fails with the child's stderr if it never comes. */
    public URI awaitReady(Duration timeout) {
        return URI.create(readyLine(timeout).group(1));
    }

    /** The {@code data:} part of the ready line. */
    String readyData(Duration timeout) {
        return readyLine(timeout).group(2);
    }

    private Matcher readyLine(Duration timeout) {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no ready line within " + timeout + describe(), e);
        } catch (Exception e) {
            throw new AssertionError("launcher did not become ready" + describe(), e);
        }
    }

    /** Waits for the child to exit and returns its exit status. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("launcher still running after " + timeout + describe());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public Process process() {
        return process;
    }

    String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        try {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String describe() {
        return "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                stdout.append(line).append('\n');
                Matcher matcher = READY.matcher(line);
                if (matcher.matches()) {
                    ready.complete(matcher);
                }
            }
            ready.completeExceptionally(new IllegalStateException("stdout closed before the ready line"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }
}
