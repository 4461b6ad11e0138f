package dev.wharf.servlet.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A key pair with a self-signed certificate, made by the JDK's own {@code keytool} (the JDK has no public API for
 * building certificates): what a token service's operator would hand a registry as its PEM certificate bundle.
 *
 * @param keys           the pair
 * @param certificatePem the certificate, PEM-encoded
 */
record TestCertificates(KeyPair keys, String certificatePem) {

    /** Makes an EC P-256 key and its certificate in {@code dir}. */
    static TestCertificates ecP256(Path dir) throws IOException, InterruptedException {
        Path store = dir.resolve("token-service.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "token", "-keyalg", "EC",
                "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=wharf-token-service",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, "changeit".toCharArray());
            Certificate certificate = keyStore.getCertificate("token");
            PrivateKey key = (PrivateKey) keyStore.getKey("token", "changeit".toCharArray());
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return new TestCertificates(new KeyPair(certificate.getPublicKey(), key), pem);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read keytool's key store", e);
        }
    }
}
