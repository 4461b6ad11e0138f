package dev.wharf.spring.boot.test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gives every Spring test context a registry data directory of its own: when the application names one
 * ({@code wharf.data-dir}), each context gets a fresh temporary directory instead, deleted when the JVM exits, so
 * that two cached contexts (which Spring keeps open side by side) never fight over one RocksDB directory. Set
 * {@code wharf.test.shared-data-dir=true} to keep the configured directory.
 */
public final class WharfTestContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        return new DataDirectoryPerContext();
    }

    /** Replaces {@code wharf.data-dir} with a fresh directory; equal to every other, so it never splits the cache. */
    static final class DataDirectoryPerContext implements ContextCustomizer {
        static final String SOURCE = "wharfTestDataDirectory";

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            ConfigurableEnvironment environment = context.getEnvironment();
            if (!environment.containsProperty("wharf.data-dir")
                    || environment.getProperty("wharf.data-dir", "").isBlank()
                    || environment.getProperty("wharf.test.shared-data-dir", Boolean.class, false)) {
                return;
            }
            Path dir;
            try {
                dir = Files.createTempDirectory("wharf-test-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a data directory for this test context", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "wharf-test-data-cleanup"));
            environment.getPropertySources().addFirst(new MapPropertySource(SOURCE,
                    Map.of("wharf.data-dir", dir.toString())));
        }

        private static void deleteQuietly(Path dir) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temporary directory left behind; the next boot's tmp cleaner takes it
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof DataDirectoryPerContext;
        }

        @Override
        public int hashCode() {
            return DataDirectoryPerContext.class.hashCode();
        }
    }
}
