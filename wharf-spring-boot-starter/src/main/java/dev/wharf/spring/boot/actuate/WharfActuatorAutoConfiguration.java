package dev.wharf.spring.boot.actuate;

import dev.wharf.api.GcRuns;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryEvent;
import dev.wharf.spi.RegistryListener;
import dev.wharf.spring.boot.RegistryPaths;
import dev.wharf.spring.boot.WharfAutoConfiguration;
import dev.wharf.spring.boot.WharfProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The registry in Spring Boot Actuator, when the application has it (Spring Boot 3.5 or 4.0): a {@code wharf} health
 * component ({@link WharfHealthIndicator} on Boot 3, {@link WharfBoot4HealthIndicator} on Boot 4, both reporting
 * {@link WharfHealthCheck}) and, with Micrometer, request metrics ({@link WharfMetricsFilter}), a gauge of open
 * upload sessions ({@code wharf.uploads.open}), garbage collection runs ({@code wharf.gc.runs}) and {@code wharf.events} counters by event kind (blob uploads and
 * mounts, manifest pushes, tag moves, what garbage collection removes, quota and policy refusals).
 */
@AutoConfiguration(after = WharfAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
public class WharfActuatorAutoConfiguration {

    /** The check both health components report, with {@code wharf.health.min-free-space} (10 MB by default). */
    static WharfHealthCheck healthCheck(Registry registry, WharfProperties properties, Environment environment) {
        long min = environment.getProperty("wharf.health.min-free-space", DataSize.class, DataSize.ofMegabytes(10))
                .toBytes();
        return new WharfHealthCheck(registry, Optional.ofNullable(properties.getDataDir()), min);
    }

    /** {@code /actuator/health}'s {@code wharf} component on Spring Boot 3. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3Health {
        @Bean
        @ConditionalOnBean(Registry.class)
        @ConditionalOnMissingBean(name = "wharfHealthIndicator")
        WharfHealthIndicator wharfHealthIndicator(Registry registry, WharfProperties properties,
                                                  Environment environment) {
            return new WharfHealthIndicator(healthCheck(registry, properties, environment));
        }
    }

    /** {@code /actuator/health}'s {@code wharf} component on Spring Boot 4, whose health API has its own module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4Health {
        @Bean
        @ConditionalOnBean(Registry.class)
        @ConditionalOnMissingBean(name = "wharfHealthIndicator")
        WharfBoot4HealthIndicator wharfHealthIndicator(Registry registry, WharfProperties properties,
                                                       Environment environment) {
            return new WharfBoot4HealthIndicator(healthCheck(registry, properties, environment));
        }
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

        /**
         * {@code wharf.uploads.open}: upload sessions started and neither completed, cancelled nor expired; NaN
         * when the registry cannot tell or is closed.
         */
        @Bean
        @ConditionalOnBean(Registry.class)
        MeterBinder wharfUploadSessions(Registry registry) {
            return meters -> Gauge.builder("wharf.uploads.open", registry,
                            orNaN(WharfActuatorAutoConfiguration::openUploads))
                    .description("upload sessions in progress").register(meters);
        }

        /**
         * {@code wharf.gc.runs}: garbage collections since the registry opened, tagged {@code outcome}
         * ({@code completed} or {@code failed}), scheduled and asked for alike.
         */
        @Bean
        @ConditionalOnBean(Registry.class)
        MeterBinder wharfGarbageCollections(Registry registry) {
            return meters -> {
                FunctionCounter.builder("wharf.gc.runs", registry, orNaN(r -> gcRuns(r, GcRuns::completed)))
                        .tag("outcome", "completed").description("garbage collections").register(meters);
                FunctionCounter.builder("wharf.gc.runs", registry, orNaN(r -> gcRuns(r, GcRuns::failed)))
                        .tag("outcome", "failed").description("garbage collections").register(meters);
            };
        }

        /** Counts the registry's events by kind ({@code wharf.events}, tag {@code type}). */
        @Bean
        RegistryListener wharfEventMetrics(MeterRegistry meters) {
            return (RegistryEvent event) -> meters.counter("wharf.events", "type", event.type().cloudEventType())
                    .increment();
        }
    }

    /**
     * {@code value} of the registry, or NaN when it throws (the registry closed): a meter is read whenever it is
     * scraped, and a scrape must not fail.
     */
    private static ToDoubleFunction<Registry> orNaN(ToDoubleFunction<Registry> value) {
        return registry -> {
            try {
                return value.applyAsDouble(registry);
            } catch (RuntimeException closed) {
                return Double.NaN;
            }
        };
    }

    private static double openUploads(Registry registry) {
        OptionalLong open = registry.openUploadSessions();
        return open.isPresent() ? open.getAsLong() : Double.NaN;
    }

    private static double gcRuns(Registry registry, ToLongFunction<GcRuns> count) {
        return registry.garbageCollections().map(runs -> (double) count.applyAsLong(runs)).orElse(Double.NaN);
    }
}
