package dev.wharf.bench.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line flags every harness takes to choose and start the servers it compares: which launcher jar
 * with which JVM options and launcher flags, which distribution binary with which environment, which targets,
 * and where their data lives. A harness's parser offers each flag to {@link #accept} first and reads the
 * settled values once the command line is done.
 */
public final class ServerFlags {
    private Path wharfJar = Path.of("test-registry/target/wharf-registry.jar");
    private final List<String> javaOptions = new ArrayList<>();
    private final List<String> wharfArgs = new ArrayList<>();
    private Path distribution;
    private final Map<String, String> distributionEnv = new LinkedHashMap<>();
    private List<String> targets = List.of("wharf", "distribution");
    private Path workDir = Files.isDirectory(Path.of("/var/tmp")) ? Path.of("/var/tmp")
            : Path.of(System.getProperty("java.io.tmpdir"));

    /**
     * Takes {@code name value} if {@code name} is one of the server flags.
     *
     * @return false when it is not, for the harness to handle
     * @throws IllegalArgumentException for a malformed value
     */
    public boolean accept(String name, String value) {
        switch (name) {
            case "--wharf-jar" -> wharfJar = Path.of(value);
            case "--wharf-java-opt" -> javaOptions.add(value);
            case "--wharf-arg" -> wharfArgs.add(value);
            case "--distribution" -> distribution = Path.of(value);
            case "--distribution-env" -> HarnessOptions.environmentVariable(distributionEnv, value);
            case "--targets" -> targets = HarnessOptions.targets(value);
            case "--work-dir" -> workDir = Path.of(value);
            default -> {
                return false;
            }
        }
        return true;
    }

    public Path wharfJar() {
        return wharfJar;
    }

    /** The JVM options given, or {@link HarnessOptions#DEFAULT_WHARF_JAVA_OPTIONS} when none were. */
    public List<String> wharfJavaOptions() {
        return javaOptions.isEmpty() ? HarnessOptions.DEFAULT_WHARF_JAVA_OPTIONS : List.copyOf(javaOptions);
    }

    public List<String> wharfArgs() {
        return List.copyOf(wharfArgs);
    }

    /** The distribution binary given, else {@code docker-registry} from the PATH. */
    public Path distribution() {
        return distribution != null ? distribution
                : HarnessOptions.onPath("docker-registry").orElse(Path.of("docker-registry"));
    }

    public Map<String, String> distributionEnv() {
        return Map.copyOf(distributionEnv);
    }

    public List<String> targets() {
        return targets;
    }

    public Path workDir() {
        return workDir;
    }
}
