package dev.wharf.testing;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test classes that use {@link WharfRegistryExtension} the ways a user would. They are not run by Surefire
 * (the name matches no test pattern) but through the JUnit test kit by {@link WharfRegistryExtensionTest},
 * which inspects what they {@link #SEEN saw}.
 */
final class ExtensionFixtures {
    /** Every registry a fixture saw, in order; cleared before each run. */
    static final List<TestRegistry> SEEN = new CopyOnWriteArrayList<>();

    private ExtensionFixtures() {
    }

    static void see(TestRegistry registry) {
        assertThat(Http.get(registry.baseUri().resolve("/v2/")).statusCode()).isEqualTo(200);
        SEEN.add(registry);
    }

    static class StaticField {
        @RegisterExtension
        static WharfRegistryExtension registry = WharfRegistryExtension.builder()
                .engine(engine -> engine.deletesEnabled(false))
                .build();

        @BeforeAll
        static void beforeAll(TestRegistry injected) {
            see(injected);
        }

        @Test
        void first(TestRegistry injected) {
            assertThat(injected).isSameAs(registry.testRegistry());
            assertThat(registry.registry().config().deletesEnabled()).isFalse();
            see(injected);
        }

        @Test
        void second() {
            assertThat(registry.hostPort()).isEqualTo("127.0.0.1:" + registry.port());
            see(registry.testRegistry());
        }
    }

    /** Written once, used by {@link SharedOptions} and by {@link TestRegistry#start(TestRegistryOptions)}. */
    static final TestRegistryOptions SHARED = TestRegistryOptions.defaults()
            .withEngine(engine -> engine.pageSizes(10, 20))
            .withEngine(engine -> engine.deletesEnabled(false));

    static class SharedOptions {
        @RegisterExtension
        static WharfRegistryExtension registry = WharfRegistryExtension.builder()
                .engine(engine -> engine.maxManifestBytes(1024)) // forgotten: options(...) replaces it
                .options(SHARED)
                .engine(engine -> engine.uploadExpiry(Duration.ofMinutes(5))) // refines the shared options
                .build();

        @Test
        void shared(TestRegistry injected) {
            see(injected);
        }
    }

    static class InstanceField {
        @RegisterExtension
        WharfRegistryExtension registry = WharfRegistryExtension.builder().build();

        @Test
        void first(TestRegistry injected) {
            assertThat(injected).isSameAs(registry.testRegistry());
            see(injected);
        }

        @Test
        void second(TestRegistry injected) {
            see(injected);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class InstanceFieldPerClassLifecycle {
        @RegisterExtension
        WharfRegistryExtension registry = WharfRegistryExtension.builder().build();

        @Test
        void first(TestRegistry injected) {
            see(injected);
        }

        @Test
        void second(TestRegistry injected) {
            see(injected);
        }
    }

    @ExtendWith(WharfRegistryExtension.class)
    static class Declarative {
        private final TestRegistry fromConstructor;

        Declarative(TestRegistry fromConstructor) {
            this.fromConstructor = fromConstructor;
        }

        @Test
        void first(TestRegistry injected) {
            assertThat(injected).isSameAs(fromConstructor);
            see(injected);
        }

        @Test
        void second(TestRegistry injected) {
            see(injected);
        }

        @Nested
        class Inner {
            @Test
            void inner(TestRegistry injected) {
                see(injected);
            }
        }
    }

    static class PerMethod {
        @Test
        @ExtendWith(WharfRegistryExtension.class)
        void first(TestRegistry injected) {
            see(injected);
        }

        @Test
        @ExtendWith(WharfRegistryExtension.class)
        void second(TestRegistry injected) {
            see(injected);
        }
    }
}
