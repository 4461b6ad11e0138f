package dev.wharf.spring.boot.actuate;

import dev.wharf.api.Registry;
import dev.wharf.api.RegistryEvent;
import dev.wharf.spi.RegistryListener;
import dev.wharf.spring.boot.RegistryPaths;
import dev.wharf.spring.boot.WharfAutoConfiguration;
import dev.wharf.spring.boot.WharfProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.util.List;
import java.util.Optional;

/**
 * The registry in Spring Boot Actuator, when the application has it: a {@code wharf} health component
 * ({@link WharfHealthIndicator}) and, with Micrometer, request metrics ({@link WharfMetricsFilter}) and
 * {@code wharf.events} counters by event kind (blob uploads and mounts, manifest pushes, tag moves, what garbage
 * collection removes, quota and policy refusals).
 */
@AutoConfiguration(after = WharfAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
public class WharfActuatorAutoConfiguration {

    /** {@code /actuator/health}'s {@code wharf} component. */
    @Bean
    @ConditionalOnBean(Registry.class)
    @ConditionalOnMissingBean(name = "wharfHealthIndicator")
    public WharfHealthIndicator wharfHealthIndicator(Registry registry, WharfProperties properties,
                                                     org.springframework.core.env.Environment environment) {
        long min = environment.getProperty("wharf.health.min-free-space",
                org.springframework.util.unit.DataSize.class,
                org.springframework.util.unit.DataSize.ofMegabytes(10)).toBytes();
        return new WharfHealthIndicator(registry, Optional.ofNullable(properties.getDataDir()), min);
    }

    /** Micrometer metrics, when Micrometer and a meter registry are there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {

        @Bean
        FilterRegistrationBean<WharfMetricsFilter> wharfMetricsFilter(MeterRegistry meters,
                                                                      WharfProperties properties) {
            RegistryPaths paths = new RegistryPaths(properties.getPath());
            FilterRegistrationBean<WharfMetricsFilter> bean = new FilterRegistrationBean<>(
                    new WharfMetricsFilter(meters, paths));
            bean.setUrlPatterns(List.of(paths.mapping(), paths.path()));
            bean.setName("wharfMetricsFilter");
            bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
            bean.setAsyncSupported(true);
            return bean;
        }

        /** Counts the registry's events by kind ({@code wharf.events}, tag {@code type}). */
        @Bean
        RegistryListener wharfEventMetrics(MeterRegistry meters) {
            return (RegistryEvent event) -> meters.counter("wharf.events", "type", event.type().cloudEventType())
                    .increment();
        }
    }
}
