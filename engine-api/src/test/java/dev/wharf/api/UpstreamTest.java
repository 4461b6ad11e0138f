package dev.wharf.api;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class UpstreamTest {
    private static final URI HUB = URI.create("https://registry-1.docker.io");

    @Test
    void shouldKeepContentUnderTheHostAsANameComponent() {
        assertThat(Upstream.of("docker.io", HUB).prefix()).isEqualTo("docker.io");
        assertThat(Upstream.of("Localhost:5000", URI.create("http://127.0.0.1:5000")).prefix())
                .isEqualTo("localhost-5000");
        assertThat(Upstream.of("Localhost:5000", URI.create("http://127.0.0.1:5000")).host())
                .isEqualTo("localhost:5000");
    }

    @Test
    void shouldRewriteOneComponentNamesUnderLibraryOnlyWhenAsked() {
        Upstream plain = Upstream.of("docker.io", HUB);
        Upstream hub = plain.withLibraryPrefix(true);
        assertThat(plain.upstreamName("alpine")).isEqualTo("alpine");
        assertThat(hub.upstreamName("alpine")).isEqualTo("library/alpine");
        assertThat(hub.upstreamName("grafana/grafana")).isEqualTo("grafana/grafana");
    }

    @Test
    void shouldFetchOnlyAllowedNamesOnceAnAllowListIsGiven() {
        Upstream all = Upstream.of("docker.io", HUB);
        Upstream some = all.allowing("library/*").allowing("grafana/**");
        assertThat(all.allows("anything/at/all")).isTrue();
        assertThat(some.allows("library/alpine")).isTrue();
        assertThat(some.allows("grafana/loki/x")).isTrue();
        assertThat(some.allows("evil/alpine")).isFalse();
        assertThat(some.allows("Not A Name")).isFalse();
    }

    @Test
    void shouldRefuseHostsUrlsAndSettingsThatCannotWork() {
        assertThatIllegalArgumentException().isThrownBy(() -> Upstream.of("https://docker.io", HUB))
                .withMessageContaining("not a host name");
        assertThatIllegalArgumentException().isThrownBy(() -> Upstream.of("docker.io", URI.create("registry-1.docker.io")))
                .withMessageContaining("absolute http or https");
        assertThatIllegalArgumentException().isThrownBy(() -> Upstream.of("docker.io", URI.create("https://h/?a=b")))
                .withMessageContaining("without query");
        Upstream hub = Upstream.of("docker.io", HUB);
        assertThatIllegalArgumentException().isThrownBy(() -> hub.withBasicAuth("a:b", "x"));
        assertThatIllegalArgumentException().isThrownBy(() -> hub.withTagRecheck(Duration.ofSeconds(-1)));
        assertThatIllegalArgumentException().isThrownBy(() -> hub.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
        assertThat(hub.withBasicAuth("me", "secret").toString()).contains("me").doesNotContain("secret");
    }

    @Test
    void shouldRefuseTwoUpstreamsForOneHostAndADefaultThatIsNotConfigured() {
        assertThatIllegalArgumentException().isThrownBy(() -> Registry.builder()
                .upstream(Upstream.of("docker.io", HUB)).upstream(Upstream.of("Docker.io", HUB)).config())
                .withMessageContaining("two upstreams for docker.io");
        assertThatIllegalArgumentException().isThrownBy(() -> Registry.builder()
                .upstream(Upstream.of("docker.io", HUB)).defaultUpstream("ghcr.io").config())
                .withMessageContaining("ghcr.io");
    }
}
