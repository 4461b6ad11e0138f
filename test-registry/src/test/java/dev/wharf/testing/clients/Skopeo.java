package dev.wharf.testing.clients;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the {@code skopeo} command line (the Debian package; {@code .ci/run} installs it) and collects what it
 * printed. Each instance keeps skopeo's temporary files and its captured output in a work directory the test
 * owns; a process that outlives its timeout is killed, and every process is gone when {@link #run} returns.
 *
 * <p>Every call passes {@code --insecure-policy}: a test machine need not have
 * {@code /etc/containers/policy.json}, and signature policy is not what these tests are about. Registries
 * are plain HTTP on 127.0.0.1, so callers pass skopeo's {@code --*tls-verify=false} flags themselves, or, for a
 * registry serving HTTPS, its {@code --*cert-dir} flags with the registry's CA in that directory.
 */
final class Skopeo {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Path work;
    private int calls;

    /** A runner keeping its files under {@code work}. */
    Skopeo(Path work) {
        this.work = work;
    }

    /**
     * A runner keeping its files under {@code work}; where skopeo is not installed, skips the calling test and says
     * why (JUnit's assumption: call it from a test or a {@code @BeforeEach}).
     */
    static Skopeo orSkip(Path work) {
        assumeTrue(executable().isPresent(),
                "skopeo is not installed on this machine (apt-get install skopeo); .ci/run installs it for CI");
        return new Skopeo(work);
    }

    /** The skopeo executable on {@code PATH}, if there is one. */
    static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "skopeo");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** What one run of skopeo did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Asserts exit status 0 and returns this result. */
        Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        /** Asserts a non-zero exit status and returns this result. */
        Result assertFailure() {
            if (exitCode == 0) {
                throw new AssertionError("expected a failure: " + describe());
            }
            return this;
        }

        String describe() {
            return String.join(" ", command) + " -> exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** Runs {@code skopeo --insecure-policy --tmpdir <work> args...} and waits for it. */
    Result run(String... args) {
        Path executable = executable().orElseThrow(() -> new IllegalStateException("skopeo is not on PATH"));
        int call = ++calls;
        Path tmp = work.resolve("tmp");
        Path out = work.resolve("skopeo-" + call + ".out");
        Path err = work.resolve("skopeo-" + call + ".err");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--insecure-policy",
                "--tmpdir", tmp.toString()));
        command.addAll(List.of(args));
        Process process = null;
        try {
            Files.createDirectories(tmp);
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("skopeo did not finish within " + TIMEOUT + ": " + String.join(" ", command)
                        + "\nstderr so far: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
