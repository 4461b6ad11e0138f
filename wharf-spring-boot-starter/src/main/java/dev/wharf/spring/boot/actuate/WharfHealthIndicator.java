package dev.wharf.spring.boot.actuate;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.io.IOException;

/**
 * The registry's health for Spring Boot 3's Actuator ({@code /actuator/health}, component {@code wharf}), as
 * {@link WharfHealthCheck} finds it. Spring Boot 4 moved health indicators to another package; there
 * {@link WharfBoot4HealthIndicator} reports the same.
 */
public final class WharfHealthIndicator extends AbstractHealthIndicator {
    private final WharfHealthCheck check;

    /** @param check what to report */
    public WharfHealthIndicator(WharfHealthCheck check) {
        super("the registry's health check failed");
        this.check = check;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws IOException {
        check.check().report(builder::withDetails, builder::up, builder::down);
    }
}
