package dev.wharf.testing;

import dev.wharf.api.RegistryConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs the {@link ExtensionFixtures} through the JUnit test kit and checks which registries they got. */
class WharfRegistryExtensionTest {

    @BeforeEach
    void forgetPreviousRuns() {
        ExtensionFixtures.SEEN.clear();
    }

    @Test
    void shouldShareOneRegistryPerClassWhenRegisteredOnStaticField() {
        run(ExtensionFixtures.StaticField.class).assertStatistics(stats -> stats.started(2).succeeded(2));

        List<TestRegistry> seen = ExtensionFixtures.SEEN;
        assertThat(seen).hasSize(3); // @BeforeAll and both tests
        assertThat(seen).allSatisfy(registry -> assertThat(registry).isSameAs(seen.get(0)));
        assertThat(seen.get(0).isClosed()).isTrue();
    }

    @Test
    void shouldStartFreshRegistryPerTestWhenRegisteredOnInstanceField() {
        run(ExtensionFixtures.InstanceField.class).assertStatistics(stats -> stats.started(2).succeeded(2));

        List<TestRegistry> seen = ExtensionFixtures.SEEN;
        assertThat(seen).hasSize(2).doesNotHaveDuplicates();
        assertThat(seen.get(0)).isNotSameAs(seen.get(1));
        assertThat(seen).allSatisfy(registry -> assertThat(registry.isClosed()).isTrue());
    }

    @Test
    void shouldShareOneRegistryWhenInstanceFieldLivesAsLongAsClass() {
        run(ExtensionFixtures.InstanceFieldPerClassLifecycle.class)
                .assertStatistics(stats -> stats.started(2).succeeded(2));

        List<TestRegistry> seen = ExtensionFixtures.SEEN;
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isSameAs(seen.get(0));
        assertThat(seen.get(0).isClosed()).isTrue();
    }

    @Test
    void shouldInjectClassRegistryIntoConstructorTestsAndNestedClassesWhenDeclaredWithExtendWith() {
        run(ExtensionFixtures.Declarative.class).assertStatistics(stats -> stats.started(3).succeeded(3));

        List<TestRegistry> seen = ExtensionFixtures.SEEN;
        assertThat(seen).hasSize(3);
        assertThat(seen).allSatisfy(registry -> assertThat(registry).isSameAs(seen.get(0)));
        assertThat(seen.get(0).isClosed()).isTrue();
    }

    @Test
    void shouldStartRegistryPerTestWhenDeclaredOnMethods() {
        run(ExtensionFixtures.PerMethod.class).assertStatistics(stats -> stats.started(2).succeeded(2));

        List<TestRegistry> seen = ExtensionFixtures.SEEN;
        assertThat(seen).hasSize(2).doesNotHaveDuplicates();
        assertThat(seen).allSatisfy(registry -> assertThat(registry.isClosed()).isTrue());
    }

    @Test
    void shouldStartRegistryWithSharedOptionsAndLaterRefinementsWhenGivenOptions() {
        run(ExtensionFixtures.SharedOptions.class).assertStatistics(stats -> stats.started(1).succeeded(1));

        List<TestRegistry> seen = ExtensionFixtures.SEEN;
        assertThat(seen).hasSize(1);
        RegistryConfig config = seen.get(0).registry().config();
        assertThat(config.maxPageSize()).isEqualTo(20);
        assertThat(config.deletesEnabled()).isFalse();
        assertThat(config.uploadExpiry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.maxManifestBytes()).as("set before options(...), so replaced").isNotEqualTo(1024);
        try (TestRegistry direct = TestRegistry.start(ExtensionFixtures.SHARED)) {
            assertThat(direct.registry().config().maxPageSize()).isEqualTo(20);
            assertThat(direct.registry().config().deletesEnabled()).isFalse();
        }
    }

    @Test
    void shouldExplainWhenAccessedOutsideTest() {
        WharfRegistryExtension extension = WharfRegistryExtension.builder().build();

        assertThatIllegalStateException().isThrownBy(extension::hostPort).withMessageContaining("no running registry");
    }

    private static Events run(Class<?> fixture) {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(fixture))
                .execute()
                .testEvents();
        // The statistics assertion says how many failed; the stack traces say why.
        tests.failed().stream().forEach(event -> event.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .ifPresent(Throwable::printStackTrace));
        return tests;
    }
}
