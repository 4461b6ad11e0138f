package dev.wharf.testing;

import dev.wharf.testing.PemFixtures.Issued;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link TestRegistryOptions#withTls(Path, Path)} reads the PEM files servers are given, in each encoding their keys
 * come in, and serves HTTPS with them; every file that cannot serve is refused when given, with a message that
 * names the file and says what is wrong.
 */
class TlsPemFilesTest {
    private static Issued ca;
    private static KeyPair rsa;

    @TempDir
    Path dir;

    @BeforeAll
    static void issueCa() {
        ca = PemFixtures.ca("Pem Files Test CA", PemFixtures.ecKeys("secp256r1"));
        rsa = PemFixtures.rsaKeys(); // the slow one: once for the class
    }

    /** Each row: the key, its encoding's writer, the file's first line, as openssl would write it. */
    static Stream<Arguments> keyEncodings() {
        return Stream.of(
                arguments("RSA, PKCS#8", rsa, writer(PemFixtures::writePkcs8), "-----BEGIN PRIVATE KEY-----"),
                arguments("RSA, PKCS#1", rsa, writer(PemFixtures::writeTraditional), "-----BEGIN RSA PRIVATE KEY-----"),
                arguments("EC P-256, SEC1", PemFixtures.ecKeys("secp256r1"), writer(PemFixtures::writeTraditional),
                        "-----BEGIN EC PRIVATE KEY-----"),
                arguments("EC P-256, SEC1 after its parameters (openssl ecparam -genkey)", PemFixtures.ecKeys("secp256r1"),
                        writer(PemFixtures::writeSec1WithParameters), "-----BEGIN EC PARAMETERS-----"),
                arguments("EC P-256, PKCS#8", PemFixtures.ecKeys("secp256r1"), writer(PemFixtures::writePkcs8),
                        "-----BEGIN PRIVATE KEY-----"),
                arguments("EC P-384, SEC1", PemFixtures.ecKeys("secp384r1"), writer(PemFixtures::writeTraditional),
                        "-----BEGIN EC PRIVATE KEY-----"));
    }

    /**
     * Writes the server's key with {@code writer} (its file starting with {@code firstLine}), starts a registry on the
     * files and asks it for /v2/ over HTTPS.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("keyEncodings")
    void shouldServeHttpsWhenKeyIsInAnEncodingServersAreGiven(String encoding, KeyPair keys,
                                                               BiFunction<Path, KeyPair, Path> writer, String firstLine)
            throws Exception {
        Issued server = PemFixtures.server(ca, keys);
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), server.certificate(), ca.certificate());
        Path key = writer.apply(dir.resolve("key.pem"), server.keys());
        assertThat(key).content().startsWith(firstLine + "\n");

        try (TestRegistry registry = TestRegistry.start(TestRegistryOptions.defaults().withTls(chain, key))) {
            HttpClient client = Http.client(registry.sslContext());
            var response = Http.send(client, HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(server.certificate());
            assertThat(registry.caCertificatePem()).isEqualTo(TlsIdentity.pem(ca.certificate()));
        }
    }

    @Test
    void shouldSendIntermediateAndTrustRootWhenChainEndsWithIt() throws Exception {
        Issued root = PemFixtures.ca("Pem Files Test Root", PemFixtures.ecKeys("secp256r1"));
        Issued intermediate = PemFixtures.intermediate(root, "Pem Files Test Intermediate", PemFixtures.ecKeys("secp256r1"));
        Issued server = PemFixtures.server(intermediate, PemFixtures.ecKeys("secp256r1"));
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), server.certificate(),
                intermediate.certificate(), root.certificate());
        Path key = PemFixtures.writePkcs8(dir.resolve("key.pem"), server.keys());

        try (TestRegistry registry = TestRegistry.builder().tls(chain, key).start()) {
            assertThat(registry.caCertificatePem()).isEqualTo(TlsIdentity.pem(root.certificate()));
            var response = Http.send(Http.client(registry.sslContext()),
                    HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.sslSession().orElseThrow().getPeerCertificates())
                    .as("what the server sends: its certificate, then the intermediates")
                    .containsExactly(server.certificate(), intermediate.certificate(), root.certificate());
        }
    }

    @Test
    void shouldTrustLastIntermediateWhenChainStopsBeforeTheRoot() {
        Issued root = PemFixtures.ca("Pem Files Test Root", PemFixtures.ecKeys("secp256r1"));
        Issued intermediate = PemFixtures.intermediate(root, "Pem Files Test Intermediate", PemFixtures.ecKeys("secp256r1"));
        Issued server = PemFixtures.server(intermediate, PemFixtures.ecKeys("secp256r1"));
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), server.certificate(), intermediate.certificate());
        Path key = PemFixtures.writePkcs8(dir.resolve("key.pem"), server.keys());

        try (TestRegistry registry = TestRegistry.builder().tls(chain, key).start()) {
            assertThat(registry.caCertificatePem()).isEqualTo(TlsIdentity.pem(intermediate.certificate()));
            assertThat(Http.send(Http.client(registry.sslContext()),
                    HttpRequest.newBuilder(registry.baseUri().resolve("/v2/")).build()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseKeyOfAnotherCertificate() {
        Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"));
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), server.certificate());
        Path key = PemFixtures.writePkcs8(dir.resolve("other-key.pem"), PemFixtures.ecKeys("secp256r1"));

        assertRefused(chain, key, "private key file " + key + ": the EC key is not the key of the server's certificate, "
                + "the first in certificate chain file " + chain + " (CN=localhost, EC)");
    }

    @Test
    void shouldRefuseKeyOfAnotherAlgorithm() {
        Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"));
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), server.certificate());
        Path key = PemFixtures.writeTraditional(dir.resolve("rsa-key.pem"), rsa);

        assertRefused(chain, key, "private key file " + key + ": the RSA key is not the key of the server's certificate");
    }

    @Test
    void shouldRefuseChainThatStartsWithTheCaWhenKeyIsTheServers() {
        Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"));
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), ca.certificate(), server.certificate());
        Path key = PemFixtures.writePkcs8(dir.resolve("key.pem"), server.keys());

        assertRefused(chain, key, "certificate chain file " + chain + " the server's certificate (CN=Pem Files Test CA) "
                + "was not issued by the certificate after it (CN=localhost): the server's certificate comes first");
    }

    @Test
    void shouldRefuseEncryptedPkcs8KeyWithTheCommandThatDecryptsIt() {
        assertRefusedKey(PemFixtures::writeEncryptedPkcs8, "holds an encrypted private key",
                "openssl pkcs8 -topk8 -nocrypt -in ");
    }

    @Test
    void shouldRefuseEncryptedPkcs1KeyWithTheCommandThatDecryptsIt() {
        assertRefusedKey(PemFixtures::writeEncryptedTraditional, "holds an encrypted private key",
                "openssl pkcs8 -topk8 -nocrypt -in ");
    }

    @Test
    void shouldRefuseKeyFileHoldingTheCertificate() {
        Path chain = serverChain();
        assertRefused(chain, chain, "private key file " + chain + " holds a certificate (CN=localhost), not a private "
                + "key (are the certificate and the key given the other way round?)");
    }

    @Test
    void shouldRefuseKeyOfAnUnservedAlgorithm() throws Exception {
        KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519");
        assertRefusedKey((file, ignored) -> PemFixtures.writePkcs8(file, ed.generateKeyPair()),
                "holds an EdDSA key; the registry serves RSA or EC keys");
    }

    @Test
    void shouldRefuseGarbageNamingTheFile() {
        Path garbage = PemFixtures.write(dir.resolve("garbage.pem"), "this is not a certificate\n");
        byte[] noise = new byte[4096];
        new Random(13).nextBytes(noise);
        Path binary = dir.resolve("binary.der");

        assertRefused(garbage, dir.resolve("key.pem"), "certificate chain file " + garbage
                + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        assertRefused(write(binary, noise), dir.resolve("key.pem"), "certificate chain file " + binary
                + " holds no PEM certificate");
        assertRefused(serverChain(), garbage, "private key file " + garbage + " holds no PEM private key");
    }

    @Test
    void shouldRefuseBrokenPemBlockNamingTheFile() {
        Path broken = PemFixtures.write(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nMIIB%%%not base64%%%\n-----END CERTIFICATE-----\n");

        assertRefused(broken, dir.resolve("key.pem"), "certificate chain file " + broken + " is not valid PEM: ");
    }

    @Test
    void shouldRefuseMissingFileAndDirectoryNamingThem() {
        Path missing = dir.resolve("missing.pem");

        assertRefused(missing, dir.resolve("key.pem"), "certificate chain file " + missing + " does not exist");
        assertRefused(serverChain(), missing, "private key file " + missing + " does not exist");
        assertRefused(dir, missing, "certificate chain file " + dir + " is not a regular file");
    }

    @Test
    void shouldRefuseExpiredServerCertificateSayingWhen() {
        Instant expired = Instant.parse("2025-01-31T12:00:00Z");
        Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"), expired.minus(Duration.ofDays(30)), expired);
        Path chain = PemFixtures.writeCertificates(dir.resolve("expired.pem"), server.certificate());
        Path key = PemFixtures.writePkcs8(dir.resolve("key.pem"), server.keys());

        assertRefused(chain, key, "certificate chain file " + chain
                + " the server's certificate (CN=localhost) expired on 2025-01-31T12:00:00Z");
    }

    @Test
    void shouldRefuseCertificateNotValidYetSayingWhen() {
        Instant from = Instant.parse("2099-01-01T00:00:00Z");
        Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"), from, from.plus(Duration.ofDays(1)));
        Path chain = PemFixtures.writeCertificates(dir.resolve("future.pem"), server.certificate());

        assertRefused(chain, PemFixtures.writePkcs8(dir.resolve("key.pem"), server.keys()),
                "certificate chain file " + chain + " the server's certificate (CN=localhost) is not valid before "
                        + "2099-01-01T00:00:00Z");
    }

    /** A valid EC server key written by {@code writer}, refused with every one of {@code parts}. */
    private void assertRefusedKey(BiFunction<Path, KeyPair, Path> writer, String... parts) {
        Issued server = PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1"));
        Path chain = PemFixtures.writeCertificates(dir.resolve("chain.pem"), server.certificate());
        Path key = writer.apply(dir.resolve("key.pem"), server.keys());

        assertThatIllegalArgumentException().isThrownBy(() -> TestRegistryOptions.defaults().withTls(chain, key))
                .withMessageStartingWith("private key file " + key + " ")
                .withMessageContainingAll(parts);
    }

    private static void assertRefused(Path chain, Path key, String messageStart) {
        assertThatIllegalArgumentException().isThrownBy(() -> TestRegistryOptions.defaults().withTls(chain, key))
                .withMessageStartingWith(messageStart);
    }

    /** {@code writer} as a value of the table's type. */
    private static BiFunction<Path, KeyPair, Path> writer(BiFunction<Path, KeyPair, Path> writer) {
        return writer;
    }

    private Path serverChain() {
        return PemFixtures.writeCertificates(dir.resolve("server-chain.pem"),
                PemFixtures.server(ca, PemFixtures.ecKeys("secp256r1")).certificate());
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
