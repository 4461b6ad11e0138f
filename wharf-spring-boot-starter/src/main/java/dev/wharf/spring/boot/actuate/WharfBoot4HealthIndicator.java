package dev.wharf.spring.boot.actuate;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.io.IOException;

/**
 * The registry's health for Spring Boot 4's Actuator ({@code /actuator/health}, component {@code wharf}), as
 * {@link WharfHealthCheck} finds it: the same report as {@link WharfHealthIndicator} gives on Spring Boot 3, through
 * the health API's new package.
 */
public final class WharfBoot4HealthIndicator extends AbstractHealthIndicator {
    private final WharfHealthCheck check;

    /** @param check what to report */
    public WharfBoot4HealthIndicator(WharfHealthCheck check) {
        super("the registry's health check failed");
        this.check = check;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws IOException {
        check.check().report(builder::withDetails, builder::up, builder::down);
    }
}
