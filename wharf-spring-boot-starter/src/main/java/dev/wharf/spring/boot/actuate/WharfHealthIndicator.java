package dev.wharf.spring.boot.actuate;

import dev.wharf.api.Registry;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.MetadataStore;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The registry's health for Spring Boot Actuator ({@code /actuator/health}, component {@code wharf}): DOWN when its
 * metadata store no longer answers (closed, or failing), or when its data directory has less free space than
 * {@code wharf.health.min-free-space} (10 MB by default); with the storage, the data directory and its free bytes as
 * details.
 */
public final class WharfHealthIndicator extends AbstractHealthIndicator {
    private static final RepositoryName PROBE = RepositoryName.of("wharf-health-probe");

    private final Registry registry;
    private final Optional<Path> dataDir;
    private final long minFreeBytes;

    /**
     * @param registry     the registry whose store is probed
     * @param dataDir      its data directory, when it has one
     * @param minFreeBytes below this much free space there, the registry is DOWN
     */
    public WharfHealthIndicator(Registry registry, Optional<Path> dataDir, long minFreeBytes) {
        super("the registry's health check failed");
        this.registry = registry;
        this.dataDir = dataDir;
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws IOException {
        Optional<MetadataStore> store = registry.config().metadataStore();
        store.ifPresent(s -> s.repositoryExists(PROBE)); // throws when the store is closed or failing
        builder.withDetail("storage", dataDir.isPresent() ? "directory" : "memory");
        if (dataDir.isEmpty()) {
            builder.up();
            return;
        }
        long free = Files.getFileStore(dataDir.get()).getUsableSpace();
        builder.withDetail("dataDir", dataDir.get().toString()).withDetail("free", free)
                .withDetail("threshold", minFreeBytes);
        if (free < minFreeBytes) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
