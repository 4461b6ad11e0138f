package dev.wharf.spring.boot;

import dev.wharf.api.GcSettings;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryBuilder;
import dev.wharf.core.storage.FileSystemBlobStore;
import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.servlet.RegistryServlet;
import dev.wharf.spi.Authorizer;
import dev.wharf.spi.RegistryListener;
import jakarta.servlet.Filter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The registry of a Spring Boot application: a {@link Registry} built from {@link WharfProperties} (and any
 * {@link Authorizer}, {@link RegistryListener} and {@link RegistryBuilderCustomizer} beans), its
 * {@link RegistryServlet} at {@code wharf.path} (default {@code /v2}), and what keeps the rest of the application's
 * web stack off that path: Spring MVC's form filters, and Spring's error page. The registry is closed when the
 * context closes, after the web server has stopped taking requests.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RegistryServlet.class)
@ConditionalOnProperty(prefix = "wharf", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WharfProperties.class)
public class WharfAutoConfiguration {

    /** The registry, from the {@code wharf.*} properties; an application's own {@link Registry} bean replaces it. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Registry wharfRegistry(WharfProperties properties, ObjectProvider<Authorizer> authorizer,
                                  ObjectProvider<RegistryListener> listeners,
                                  ObjectProvider<RegistryBuilderCustomizer> customizers) {
        RegistryBuilder builder = Registry.builder()
                .maxManifestBytes(Math.toIntExact(properties.getMaxManifestSize().toBytes()))
                .uploadExpiry(properties.getUploadExpiry())
                .deletesEnabled(properties.isDeletesEnabled())
                .pageSizes(properties.getDefaultPageSize(), properties.getMaxPageSize());
        GcSettings gc = GcSettings.defaults().withInterval(properties.getGc().getInterval())
                .withBlobGracePeriod(properties.getGc().getBlobGracePeriod());
        if (properties.getGc().getUntaggedManifestRetention() != null) {
            gc = gc.withUntaggedManifestRetention(properties.getGc().getUntaggedManifestRetention());
        }
        builder.garbageCollection(gc);
        authorizer.ifAvailable(builder::authorizer);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        Path dir = properties.getDataDir();
        if (dir == null || builder.config().metadataStore().isPresent()) {
            return builder.build();
        }
        RocksDbMetadataStore metadata = RocksDbMetadataStore.open(directory(dir.resolve("metadata")));
        try {
            FileSystemBlobStore files = new FileSystemBlobStore(directory(dir));
            builder.metadataStore(metadata)
                    .blobStore(metadata.inlineBlobs(files, Math.toIntExact(properties.getInlineBlobSize().toBytes())));
            return builder.build();
        } catch (RuntimeException e) {
            metadata.close();
            throw e;
        }
    }

    private static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry's data directory " + dir, e);
        }
    }

    /** The servlet, at {@code wharf.path} + {@code /*}, with async support for non-blocking bodies. */
    @Bean
    @ConditionalOnMissingBean(name = "wharfServlet")
    public ServletRegistrationBean<RegistryServlet> wharfServlet(
            Registry registry, WharfProperties properties,
            org.springframework.beans.factory.ObjectProvider<dev.wharf.servlet.auth.Authenticator> authenticator) {
        RegistryPaths paths = new RegistryPaths(properties.getPath());
        // Without an Authenticator bean (the token flow declares one) the caller is whoever Spring Security
        // authenticated.
        dev.wharf.servlet.auth.Authenticator door = authenticator.getIfAvailable();
        RegistryServlet servlet = door == null ? new RegistryServlet(registry)
                : new RegistryServlet(registry, dev.wharf.servlet.TransferLimits.defaults(), door);
        ServletRegistrationBean<RegistryServlet> bean = new ServletRegistrationBean<>(servlet, paths.mapping());
        bean.setName("wharf");
        bean.setAsyncSupported(true);
        bean.setLoadOnStartup(1);
        return bean;
    }

    /** Answers errors on the registry's path in the spec's envelope rather than through Spring's error page. */
    @Bean
    @ConditionalOnMissingBean(name = "wharfErrorFilter")
    public FilterRegistrationBean<RegistryErrorFilter> wharfErrorFilter(WharfProperties properties) {
        RegistryPaths paths = new RegistryPaths(properties.getPath());
        FilterRegistrationBean<RegistryErrorFilter> bean = new FilterRegistrationBean<>(new RegistryErrorFilter(paths));
        bean.setUrlPatterns(java.util.List.of(paths.mapping(), paths.path()));
        bean.setName("wharfErrorFilter");
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        bean.setAsyncSupported(true);
        return bean;
    }

    /**
     * Passes the registry's requests over Spring MVC's {@code FormContentFilter} and {@code HiddenHttpMethodFilter},
     * which read or reinterpret form-typed bodies (see {@link RegistryPathBypass}).
     */
    @Bean
    @ConditionalOnClass(name = "org.springframework.web.filter.FormContentFilter")
    public static BeanPostProcessor wharfFormFilterBypass(ObjectProvider<WharfProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof org.springframework.web.filter.FormContentFilter
                        || bean instanceof org.springframework.web.filter.HiddenHttpMethodFilter) {
                    WharfProperties p = properties.getIfAvailable(WharfProperties::new);
                    return new RegistryPathBypass((Filter) bean, new RegistryPaths(p.getPath()));
                }
                return bean;
            }
        };
    }
}
