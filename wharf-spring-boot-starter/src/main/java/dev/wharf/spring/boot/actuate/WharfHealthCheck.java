package dev.wharf.spring.boot.actuate;

import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.MetadataStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's health, as both Actuators report it (Spring Boot 3's {@link WharfHealthIndicator} and Spring Boot
 * 4's {@link WharfBoot4HealthIndicator}): DOWN when its metadata store no longer answers (closed, or failing), or when
 * its data directory has less free space than the threshold; with the storage, the data directory and its free bytes
 * as details.
 */
public final class WharfHealthCheck {
    private static final RepositoryName PROBE = RepositoryName.of("wharf-health-probe");

    private final Registry registry;
    private final Optional<Path> dataDir;
    private final long minFreeBytes;

    /**
     * What one check found.
     *
     * @param up      whether the registry is healthy
     * @param details what the health component shows
     */
    public record Result(boolean up, Map<String, Object> details) {
        /** Copies {@code details}, keeping their order. */
        public Result {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }

        /**
         * Hands this result to a health builder, whichever Actuator's it is: the details, then {@code up} or
         * {@code down}.
         */
        public void report(java.util.function.Consumer<Map<String, Object>> withDetails, Runnable up, Runnable down) {
            withDetails.accept(details);
            (this.up ? up : down).run();
        }
    }

    /**
     * @param registry     the registry whose store is probed
     * @param dataDir      its data directory, when it has one
     * @param minFreeBytes below this much free space there, the registry is DOWN
     */
    public WharfHealthCheck(Registry registry, Optional<Path> dataDir, long minFreeBytes) {
        this.registry = registry;
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeBytes;
    }

    /**
     * Probes the store and the directory.
     *
     * @throws IOException      when the directory's file store cannot be read
     * @throws RuntimeException when the store is closed or failing
     */
    public Result check() throws IOException {
        Optional<MetadataStore> store = registry.config().metadataStore();
        store.ifPresent(s -> s.repositoryExists(PROBE)); // throws when the store is closed or failing
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("storage", dataDir.isPresent() ? "directory" : "memory");
        if (dataDir.isEmpty()) {
            return new Result(true, details);
        }
        long free = Files.getFileStore(dataDir.get()).getUsableSpace();
        details.put("dataDir", dataDir.get().toString());
        details.put("free", free);
        details.put("threshold", minFreeBytes);
        return new Result(free >= minFreeBytes, details);
    }
}
