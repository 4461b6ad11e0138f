package dev.wharf.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registry serving HTTPS with a throwaway CA ({@link TestRegistryOptions#withGeneratedTls()}): clients given its
 * {@link TestRegistry#sslContext()} or its CA certificate are served, with host names checked as usual; every
 * other client fails the handshake; the connector holds the same limits as a plain one.
 */
class TlsRegistryTest {
    private static final byte[] BLOB = "pushed over TLS\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldServeHttpsToClientTrustingItsContextWhenTlsIsGenerated() {
        try (TestRegistry registry = TestRegistry.builder().tls().start()) {
            assertThat(registry.baseUri().toString()).matches("https://127\\.0\\.0\\.1:\\d+");
            var client = Http.client(registry.sslContext());

            HttpResponse<byte[]> ping = Http.send(client, HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
            HttpResponse<byte[]> push = Http.send(client, HttpRequest.newBuilder(registry.baseUri()
                    .resolve("/v2/tls/app/blobs/uploads/?digest=" + Http.sha256Digest(BLOB)))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BLOB)).build());
            assertThat(push.statusCode()).isEqualTo(201);
            assertThat(push.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/v2/"));
        }
    }

    @Test
    void shouldPullAFileBlobSentFromMappedWindowsOverTls(@TempDir Path data) {
        // Over TLS the container encrypts each mapped window in Java before it is unmapped; every byte must arrive.
        byte[] large = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(large);
        try (TestRegistry registry = TestRegistry.builder().tls().dataDirectory(data).start()) {
            var client = Http.client(registry.sslContext());
            String digest = Http.sha256Digest(large);
            HttpResponse<byte[]> push = Http.send(client, HttpRequest.newBuilder(registry.baseUri()
                    .resolve("/v2/tls/big/blobs/uploads/?digest=" + digest))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build());
            assertThat(push.statusCode()).isEqualTo(201);
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> pull = Http.send(client, HttpRequest.newBuilder(registry.baseUri()
                        .resolve("/v2/tls/big/blobs/" + digest)).build());
                assertThat(pull.statusCode()).isEqualTo(200);
                assertThat(Http.sha256Digest(pull.body())).isEqualTo(digest);
            }
            HttpResponse<byte[]> range = Http.send(client, HttpRequest.newBuilder(registry.baseUri()
                    .resolve("/v2/tls/big/blobs/" + digest)).header("Range", "bytes=1000000-2500000").build());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(large, 1_000_000, 2_500_001));
        }
    }

    @Test
    void shouldCertifyLoopbackNamesForADayWhenTlsIsGenerated() throws Exception {
        try (TestRegistry registry = TestRegistry.builder().tls().start()) {
            X509Certificate served = servedCertificate(registry, registry.baseUri());

            assertThat(subjectAlternativeNames(served)).containsExactlyInAnyOrder("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
            assertThat(Duration.between(served.getNotBefore().toInstant(), served.getNotAfter().toInstant()))
                    .isLessThanOrEqualTo(Duration.ofDays(1).plusHours(1)).isGreaterThanOrEqualTo(Duration.ofDays(1));
            assertThat(served.getIssuerX500Principal()).isEqualTo(certificate(registry.caCertificatePem()).getSubjectX500Principal());
            // The same certificate answers for localhost: the name is one it covers.
            URI byName = URI.create("https://localhost:" + registry.port() + "/v2/");
            assertThat(Http.send(Http.client(registry.sslContext()), HttpRequest.newBuilder(byName).build()).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldCertifyTheBoundAddressWhenItIsAnotherLoopbackAddress() throws Exception {
        try (TestRegistry registry = TestRegistry.builder().host("127.0.0.2").tls().start()) {
            assertThat(registry.baseUri().toString()).startsWith("https://127.0.0.2:");
            assertThat(subjectAlternativeNames(servedCertificate(registry, registry.baseUri()))).contains("127.0.0.2");
        }
    }

    @Test
    void shouldNameBoundHostButNoWildcardWhenIssuingCertificates() {
        assertThat(ThrowawayCa.names("0.0.0.0")).containsExactly("localhost", "127.0.0.1", "::1");
        assertThat(ThrowawayCa.names("[::]")).containsExactly("localhost", "127.0.0.1", "::1");
        assertThat(ThrowawayCa.names("registry.test")).containsExactly("localhost", "127.0.0.1", "::1", "registry.test");
        assertThat(ThrowawayCa.names("[::1]")).containsExactly("localhost", "127.0.0.1", "::1");
    }

    @Test
    void shouldFailHandshakeWhenClientDoesNotTrustTheRegistry() {
        try (TestRegistry registry = TestRegistry.builder().tls().start();
             TestRegistry other = TestRegistry.builder().tls().start()) {
            HttpRequest ping = HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build();

            assertThatThrownBy(() -> Http.send(ping)).as("the JDK's default trust")
                    .hasCauseInstanceOf(SSLHandshakeException.class)
                    .rootCause().hasMessageContaining("unable to find valid certification path");
            assertThatThrownBy(() -> Http.send(Http.client(other.sslContext()), ping)).as("another registry's CA")
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void shouldHoldTheConnectorsLimitsAndUriRulesOverTls() {
        TestRegistryOptions strict = TestRegistryOptions.defaults().withGeneratedTls().withMaxRequestHeaderBytes(2048);
        try (TestRegistry registry = TestRegistry.start(strict)) {
            var client = Http.client(registry.sslContext());

            HttpResponse<byte[]> big = Http.send(client, HttpRequest.newBuilder(registry.baseUri().resolve("/v2/"))
                    .header("X-Padding", "p".repeat(3000)).build());
            assertThat(big.statusCode()).isEqualTo(431);
            assertThat(Http.body(big)).contains("\"errors\"");
            HttpResponse<byte[]> emptySegment = Http.send(client,
                    HttpRequest.newBuilder(URI.create(registry.baseUri() + "/v2/a//b/manifests/x")).build());
            assertThat(emptySegment.statusCode()).isEqualTo(400);
            assertThat(Http.body(emptySegment)).contains("NAME_INVALID");
        }
    }

    @Test
    void shouldWriteTheCaCertificateItsPemDescribes(@TempDir Path dir) throws Exception {
        try (TestRegistry registry = TestRegistry.builder().tls().start()) {
            Path written = registry.writeCaCertificate(dir.resolve("ca.crt"));

            assertThat(written).isEqualTo(dir.resolve("ca.crt")).content(StandardCharsets.US_ASCII)
                    .isEqualTo(registry.caCertificatePem())
                    .startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
            X509Certificate ca = certificate(registry.caCertificatePem());
            assertThat(ca.getBasicConstraints()).as("a CA").isZero();
            servedCertificate(registry, registry.baseUri()).verify(ca.getPublicKey()); // the CA signed what is served
        }
    }

    @Test
    void shouldRefuseTrustMaterialWhenRegistryServesPlainHttp(@TempDir Path dir) {
        try (TestRegistry registry = TestRegistry.start()) {
            assertThat(registry.baseUri().getScheme()).isEqualTo("http");
            assertThatIllegalStateException().isThrownBy(registry::sslContext).withMessageContaining("plain HTTP");
            assertThatIllegalStateException().isThrownBy(registry::caCertificatePem).withMessageContaining("withGeneratedTls()");
            assertThatIllegalStateException().isThrownBy(() -> registry.writeCaCertificate(dir.resolve("ca.crt")));
            assertThat(dir.resolve("ca.crt")).doesNotExist();
        }
    }

    @Test
    void shouldDescribeTlsWhenOptionsHaveIt() {
        assertThat(TestRegistryOptions.defaults().withGeneratedTls())
                .hasToString("TestRegistryOptions[127.0.0.1:0, data: in memory, tls: generated]");
    }

    private static X509Certificate servedCertificate(TestRegistry registry, URI base) throws Exception {
        HttpResponse<byte[]> response = Http.send(Http.client(registry.sslContext()),
                HttpRequest.newBuilder(base.resolve("/v2/")).build());
        return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    private static List<String> subjectAlternativeNames(X509Certificate certificate) throws Exception {
        Collection<List<?>> names = Objects.requireNonNull(certificate.getSubjectAlternativeNames());
        return names.stream().map(name -> name.get(1).toString()).toList();
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
