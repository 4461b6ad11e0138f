package dev.wharf.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A certificate authority that lives as long as one registry: a new CA and a server certificate it issues, for
 * {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the host the registry binds, valid for a day, made when
 * the registry starts ({@link TestRegistryOptions#withGeneratedTls()}). Its key is never written anywhere, so
 * nothing but the clients a test hands {@link TestRegistry#sslContext()} or {@link TestRegistry#caCertificatePem()}
 * ever trusts it. EC P-256 keys: a pair costs a millisecond or two, where an RSA pair costs tens to hundreds.
 */
final class ThrowawayCa {
    /** How long the certificates are valid; a test registry runs for minutes. */
    static final Duration VALIDITY = Duration.ofDays(1);
    /** Valid from a little before now, so a client whose clock is a bit behind still accepts them. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");
    private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ThrowawayCa() {
    }

    /** A new CA and a server certificate it signed for {@code host} and this machine's loopback names. */
    static TlsIdentity issue(String host) {
        KeyPair caKeys = ecKeyPair();
        KeyPair serverKeys = ecKeyPair();
        Instant from = Instant.now().minus(BACKDATE);
        Instant until = from.plus(BACKDATE).plus(VALIDITY);
        String serial = Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
        X509Certificate ca = certificate(new X500Name("CN=Wharf throwaway CA " + serial), caKeys.getPublic(),
                null, caKeys.getPrivate(), from, until, List.of());
        X509Certificate server = certificate(new X500Name("CN=localhost"), serverKeys.getPublic(),
                ca, caKeys.getPrivate(), from, until, names(host));
        return new TlsIdentity(List.of(server), serverKeys.getPrivate(), ca);
    }

    /** The loopback names and {@code host}, unless it is a wildcard, which no client connects to by that name. */
    static List<String> names(String host) {
        Set<String> names = new LinkedHashSet<>(LOOPBACK);
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!WILDCARD_HOSTS.contains(bare)) {
            names.add(bare);
        }
        return List.copyOf(names);
    }

    /**
     * A certificate signed by {@code issuerKey}: a CA's (path length 0, may sign certificates) when {@code names} is
     * empty, else a server's for those DNS names and IP addresses. {@code issuer} null: self-signed.
     */
    static X509Certificate certificate(X500Name subject, PublicKey publicKey, X509Certificate issuer,
                                       PrivateKey issuerKey, Instant notBefore, Instant notAfter, List<String> names) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey)
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(issuer));
            }
            if (names.isEmpty()) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                List<GeneralName> alternatives = new ArrayList<>();
                for (String name : names) {
                    alternatives.add(new GeneralName(IPAddress.isValid(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(publicKey.getAlgorithm().equals("RSA")
                                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                        .addExtension(Extension.subjectAlternativeName, false,
                                new GeneralNames(alternatives.toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }
}
