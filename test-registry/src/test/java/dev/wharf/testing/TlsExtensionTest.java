package dev.wharf.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link WharfRegistryExtension.Builder#tls()}: the extension's registry serves HTTPS, trusted through its context. */
class TlsExtensionTest {
    @RegisterExtension
    static WharfRegistryExtension registry = WharfRegistryExtension.builder().tls().build();

    @Test
    void shouldServeHttpsToClientTrustingTheExtensionsContext() {
        assertThat(registry.baseUri().getScheme()).isEqualTo("https");
        assertThat(Http.send(Http.client(registry.sslContext()),
                HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build()).statusCode()).isEqualTo(200);
    }
}
