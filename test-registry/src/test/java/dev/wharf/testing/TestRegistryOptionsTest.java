package dev.wharf.testing;

import dev.wharf.servlet.limit.Rate;
import dev.wharf.servlet.limit.RateLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link TestRegistryOptions}: immutable values, checked when given, that start registries directly. */
class TestRegistryOptionsTest {
    private static final byte[] BLOB = "started from shared options\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldDescribeLoopbackEphemeralPortAndMemoryWhenDefault() {
        TestRegistryOptions defaults = TestRegistryOptions.defaults();

        assertThat(defaults.host()).isEqualTo("127.0.0.1").isEqualTo(TestRegistryOptions.DEFAULT_HOST);
        assertThat(defaults.port()).isZero();
        assertThat(defaults.dataDirectory()).isEmpty();
        assertThat(defaults).hasToString("TestRegistryOptions[127.0.0.1:0, data: in memory]");
    }

    @Test
    void shouldLeaveOriginalUnchangedWhenDerivingNewOptions(@TempDir Path dataDirectory) {
        TestRegistryOptions base = TestRegistryOptions.defaults();

        TestRegistryOptions derived = base.withHost("localhost").withPort(5001).withDataDirectory(dataDirectory)
                .withEngine(engine -> engine.deletesEnabled(false));

        assertThat(derived.host()).isEqualTo("localhost");
        assertThat(derived.port()).isEqualTo(5001);
        assertThat(derived.dataDirectory()).hasValue(dataDirectory);
        assertThat(base.host()).isEqualTo("127.0.0.1");
        assertThat(base.port()).isZero();
        assertThat(base.dataDirectory()).isEmpty();
        try (TestRegistry fromBase = TestRegistry.start(base)) {
            assertThat(fromBase.registry().config().deletesEnabled()).isTrue();
        }
    }

    @ParameterizedTest(name = "port {0}")
    @ValueSource(ints = {-1, 65_536})
    void shouldRefusePortWhenOutOfRange(int port) {
        assertThatIllegalArgumentException().isThrownBy(() -> TestRegistryOptions.defaults().withPort(port))
                .withMessage("port must be between 0 and 65535, was " + port);
    }

    @ParameterizedTest(name = "host \"{0}\"")
    @ValueSource(strings = {"", " ", "\t"})
    void shouldRefuseHostWhenBlank(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> TestRegistryOptions.defaults().withHost(host))
                .withMessage("host must not be blank");
    }

    @Test
    void shouldRunEngineCustomizersInTheOrderGivenWhenStarting() {
        TestRegistryOptions options = TestRegistryOptions.defaults()
                .withEngine(engine -> engine.pageSizes(10, 20))
                .withEngine(engine -> engine.pageSizes(5, 50));

        try (TestRegistry registry = TestRegistry.start(options)) {
            assertThat(registry.registry().config().defaultPageSize()).isEqualTo(5);
            assertThat(registry.registry().config().maxPageSize()).isEqualTo(50);
        }
    }

    @Test
    void shouldStartIndependentRegistriesOnSameDataDirectoryWhenOptionsAreReused(@TempDir Path dataDirectory) {
        TestRegistryOptions options = TestRegistryOptions.defaults().withDataDirectory(dataDirectory);

        try (TestRegistry first = TestRegistry.start(options)) {
            assertThat(Http.pushBlob(first.baseUri(), "reused/options", BLOB).statusCode()).isEqualTo(201);
        }
        try (TestRegistry second = TestRegistry.start(options)) {
            assertThat(Http.head(second.baseUri().resolve("/v2/reused/options/blobs/" + Http.sha256Digest(BLOB)))
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldGiveEachRegistryStartedWithRateLimitsBucketsOfItsOwn() {
        TestRegistryOptions limited = TestRegistryOptions.defaults()
                .withRateLimits(RateLimits.none().withReads(Rate.perMinute(1)));
        assertThat(limited.rateLimits()).isEqualTo(RateLimits.none().withReads(Rate.perMinute(1)));
        assertThat(limited).hasToString("TestRegistryOptions[127.0.0.1:0, data: in memory, RateLimits[reads=1/m]]");
        assertThat(TestRegistryOptions.defaults().rateLimits().isUnlimited()).isTrue();

        try (TestRegistry first = TestRegistry.start(limited); TestRegistry second = TestRegistry.start(limited)) {
            assertThat(Http.get(first.baseUri().resolve("/v2/")).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> refused = Http.get(first.baseUri().resolve("/v2/"));
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Long.parseLong(seconds)).isBetween(59L, 60L));
            assertThat(Http.get(second.baseUri().resolve("/v2/")).statusCode()).as("its own buckets").isEqualTo(200);
        }
    }
}
