package dev.wharf.testing;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * PEM files as servers are given them, made in the test: keys (RSA, EC on P-256 and P-384), a CA, an intermediate,
 * server certificates for this machine's loopback names, written as PKCS#8, PKCS#1 or SEC1, plain or encrypted.
 * Public for the launcher's and the clients' tests. Encrypting a key takes BouncyCastle's provider (OpenSSL's
 * key derivation, PKCS#7 padding), given to those builders alone and never installed in the JVM.
 */
public final class PemFixtures {
    /** The loopback names a server certificate here covers. */
    public static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");
    private static final Duration DAY = Duration.ofDays(1);

    private PemFixtures() {
    }

    /** A certificate and the key pair whose public half it certifies. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        public PrivateKey privateKey() {
            return keys.getPrivate();
        }
    }

    /** The two files a server is given, and the certificate its clients trust. */
    public record ServerFiles(Path chain, Path key, X509Certificate ca) {
    }

    /** An EC P-256 CA and a server certificate it issued for the loopback names: {@code dir/chain.pem}, {@code dir/key.pem}. */
    public static ServerFiles serverFiles(Path dir) {
        Issued ca = ca("Fixture CA", ecKeys("secp256r1"));
        Issued server = server(ca, ecKeys("secp256r1"));
        return new ServerFiles(writeCertificates(dir.resolve("chain.pem"), server.certificate()),
                writePkcs8(dir.resolve("key.pem"), server.keys()), ca.certificate());
    }

    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code curve}: {@code secp256r1} (P-256) or {@code secp384r1} (P-384). */
    public static KeyPair ecKeys(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA valid from an hour ago for a day. */
    public static Issued ca(String name, KeyPair keys) {
        Instant now = Instant.now();
        return new Issued(ThrowawayCa.certificate(new X500Name("CN=" + name), keys.getPublic(), null, keys.getPrivate(),
                now.minus(Duration.ofHours(1)), now.plus(DAY), List.of()), keys);
    }

    /** An intermediate CA {@code issuer} signed. */
    public static Issued intermediate(Issued issuer, String name, KeyPair keys) {
        Instant now = Instant.now();
        return new Issued(ThrowawayCa.certificate(new X500Name("CN=" + name), keys.getPublic(), issuer.certificate(),
                issuer.privateKey(), now.minus(Duration.ofHours(1)), now.plus(DAY), List.of()), keys);
    }

    /** A server certificate for the loopback names, valid from an hour ago for a day. */
    public static Issued server(Issued issuer, KeyPair keys) {
        Instant now = Instant.now();
        return server(issuer, keys, now.minus(Duration.ofHours(1)), now.plus(DAY));
    }

    /** A server certificate for the loopback names, valid from {@code notBefore} to {@code notAfter}. */
    public static Issued server(Issued issuer, KeyPair keys, Instant notBefore, Instant notAfter) {
        return new Issued(ThrowawayCa.certificate(new X500Name("CN=localhost"), keys.getPublic(), issuer.certificate(),
                issuer.privateKey(), notBefore, notAfter, LOOPBACK), keys);
    }

    /** A client context that trusts {@code ca} alone, as {@link TestRegistry#sslContext()} gives one. */
    public static SSLContext trusting(X509Certificate ca) {
        return TlsIdentity.trusting(ca);
    }

    /** {@code certificates} as PEM blocks, in the order given. */
    public static Path writeCertificates(Path file, X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            pem.append(TlsIdentity.pem(certificate));
        }
        return write(file, pem.toString());
    }

    /** {@code -----BEGIN PRIVATE KEY-----}. */
    public static Path writePkcs8(Path file, KeyPair keys) {
        return write(file, pem(() -> new JcaPKCS8Generator(keys.getPrivate(), null)));
    }

    /**
     * {@code -----BEGIN RSA PRIVATE KEY-----} (PKCS#1) or {@code -----BEGIN EC PRIVATE KEY-----} (SEC1), the latter
     * with its curve and public key as {@code openssl ec} writes it (BouncyCastle's own writer leaves both out of a
     * key from the JDK, whose PKCS#8 names the curve only outside the SEC1 structure).
     */
    public static Path writeTraditional(Path file, KeyPair keys) {
        if (!(keys.getPrivate() instanceof ECPrivateKey ec)) {
            return write(file, pem(() -> new JcaMiscPEMGenerator(keys.getPrivate())));
        }
        return write(file, pem(() -> {
            ASN1Encodable curve = PrivateKeyInfo.getInstance(ec.getEncoded()).getPrivateKeyAlgorithm().getParameters();
            var publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
            var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                    publicKey, curve);
            PemObject object = new PemObject("EC PRIVATE KEY", sec1.getEncoded());
            return () -> object;
        }));
    }

    /** {@code -----BEGIN ENCRYPTED PRIVATE KEY-----}: PKCS#8 under a passphrase, as {@code openssl pkcs8 -topk8} writes it. */
    public static Path writeEncryptedPkcs8(Path file, KeyPair keys) {
        return write(file, pem(() -> new JcaPKCS8Generator(keys.getPrivate(),
                new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider())
                        .setPassword("secret".toCharArray()).build())));
    }

    /** PKCS#1 or SEC1 with {@code Proc-Type: 4,ENCRYPTED} headers, as {@code openssl rsa -aes256} writes it. */
    public static Path writeEncryptedTraditional(Path file, KeyPair keys) {
        return write(file, pem(() -> new JcaMiscPEMGenerator(keys.getPrivate(),
                new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider()).build("secret".toCharArray()))));
    }

    /** SEC1 after an {@code EC PARAMETERS} block naming P-256, as {@code openssl ecparam -genkey} writes it. */
    public static Path writeSec1WithParameters(Path file, KeyPair keys) {
        String parameters = pem(() -> {
            PemObject object = new PemObject("EC PARAMETERS", X9ObjectIdentifiers.prime256v1.getEncoded());
            return () -> object;
        });
        return write(file, parameters + read(writeTraditional(file, keys)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What BouncyCastle's PEM generators need to be made, each able to fail in its own checked way. */
    private interface Generator {
        PemObjectGenerator make() throws IOException, OperatorCreationException;
    }

    private static String pem(Generator generator) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(generator.make());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot write a PEM fixture", e);
        }
        return text.toString();
    }
}
