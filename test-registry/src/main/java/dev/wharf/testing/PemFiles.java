package dev.wharf.testing;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Reads a server's TLS identity from the two PEM files servers are usually given: the certificate chain (the
 * server's certificate first, then the intermediates that issued it, each issued by the next) and the private
 * key of the first certificate, in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or
 * SEC1 ({@code BEGIN EC PRIVATE KEY}), RSA or EC. BouncyCastle's {@code PEMParser} reads every one of those
 * encodings, and recognises the encrypted ones so they can be refused by name.
 *
 * <p>Everything that would make the registry fail later, at its first handshake or in a client's verification,
 * is refused here instead with an {@link IllegalArgumentException} that names the file and what is wrong with it:
 * a missing or unreadable file, no certificate, something other than PEM, an encrypted key (the registry has no
 * one to ask for a passphrase), a key that is not the first certificate's, a certificate that has expired or is
 * not valid yet, certificates out of order.
 */
final class PemFiles {
    /** A chain or a key is a few KiB; a file far larger is not one, and is not read whole into memory. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final String CHAIN = "certificate chain file";
    private static final String KEY = "private key file";
    /** The key algorithms served, with the signature that proves a key belongs to a certificate. */
    private static final Map<String, String> PROOF_SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA");

    private PemFiles() {
    }

    /**
     * The identity in {@code chainFile} and {@code keyFile}, its trust anchor the chain's last certificate (the
     * root when the file ends with it, else the last intermediate, which clients may trust as an anchor too).
     *
     * @throws IllegalArgumentException naming the file, and what is wrong with it, when either cannot serve
     */
    static TlsIdentity read(Path chainFile, Path keyFile) {
        List<X509Certificate> chain = readChain(chainFile);
        PrivateKey key = readKey(keyFile);
        checkKeyMatches(key, keyFile, chain.get(0), chainFile);
        return new TlsIdentity(chain, key, chain.get(chain.size() - 1));
    }

    private static List<X509Certificate> readChain(Path file) {
        List<Object> objects = readPem(file, CHAIN);
        if (objects.isEmpty()) {
            throw refused(file, CHAIN, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> chain = new ArrayList<>();
        for (Object object : objects) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw refused(file, CHAIN, "holds " + describe(object) + "; it should hold certificates only, "
                        + "the server's first, then the intermediates that issued it");
            }
            try {
                chain.add(converter.getCertificate(holder));
            } catch (CertificateException e) {
                throw refused(file, CHAIN, "holds a certificate Java cannot read (" + holder.getSubject() + "): "
                        + e.getMessage());
            }
        }
        Date now = Date.from(Instant.now());
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String which = (i == 0 ? "the server's certificate (" : "certificate " + (i + 1) + " (")
                    + certificate.getSubjectX500Principal() + ")";
            try {
                certificate.checkValidity(now);
            } catch (CertificateExpiredException e) {
                throw refused(file, CHAIN, which + " expired on " + certificate.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                throw refused(file, CHAIN, which + " is not valid before " + certificate.getNotBefore().toInstant());
            }
            if (i + 1 < chain.size()
                    && !certificate.getIssuerX500Principal().equals(chain.get(i + 1).getSubjectX500Principal())) {
                throw refused(file, CHAIN, which + " was not issued by the certificate after it ("
                        + chain.get(i + 1).getSubjectX500Principal() + "): the server's certificate comes first, "
                        + "then each issuer in turn");
            }
        }
        return List.copyOf(chain);
    }

    private static PrivateKey readKey(Path file) {
        // openssl ecparam -genkey writes the curve (EC PARAMETERS) before the key; the key names it again.
        List<Object> objects = readPem(file, KEY).stream().filter(o -> !(o instanceof ASN1ObjectIdentifier)).toList();
        if (objects.isEmpty()) {
            throw refused(file, KEY, "holds no PEM private key (-----BEGIN PRIVATE KEY-----, "
                    + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
        }
        if (objects.size() > 1) {
            throw refused(file, KEY, "holds " + objects.size() + " PEM blocks; it should hold the one private key");
        }
        Object object = objects.get(0);
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw refused(file, KEY, "holds an encrypted private key, and the registry has no one to ask for its "
                    + "passphrase: write a decrypted copy with `openssl pkcs8 -topk8 -nocrypt -in " + file
                    + " -out server-key.pem` and give that, readable only by the registry's user");
        }
        if (object instanceof X509CertificateHolder) {
            throw refused(file, KEY, "holds " + describe(object) + ", not a private key (are the certificate "
                    + "and the key given the other way round?)");
        }
        PrivateKey key;
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) { // PKCS#1 RSA or SEC1 EC, whose public key is optional
                key = converter.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (object instanceof PrivateKeyInfo info) { // PKCS#8
                key = converter.getPrivateKey(info);
            } else {
                throw refused(file, KEY, "holds " + describe(object) + ", not a private key");
            }
        } catch (IOException e) {
            throw refused(file, KEY, "holds a private key Java cannot read: " + e.getMessage());
        }
        if (!PROOF_SIGNATURES.containsKey(key.getAlgorithm())) {
            throw refused(file, KEY, "holds an " + key.getAlgorithm() + " key; the registry serves RSA or EC keys");
        }
        return key;
    }

    /**
     * The key is the certificate's when what it signs, the certificate's public key verifies: one proof for RSA and
     * EC alike, whatever the key's encoding kept of its public half.
     */
    private static void checkKeyMatches(PrivateKey key, Path keyFile, X509Certificate leaf, Path chainFile) {
        boolean matches = false;
        if (key.getAlgorithm().equals(leaf.getPublicKey().getAlgorithm())) {
            try {
                byte[] challenge = new byte[32];
                new SecureRandom().nextBytes(challenge);
                Signature signer = Signature.getInstance(PROOF_SIGNATURES.get(key.getAlgorithm()));
                signer.initSign(key);
                signer.update(challenge);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance(PROOF_SIGNATURES.get(key.getAlgorithm()));
                verifier.initVerify(leaf.getPublicKey());
                verifier.update(challenge);
                matches = verifier.verify(signature);
            } catch (GeneralSecurityException e) {
                matches = false; // e.g. EC keys on different curves: not the certificate's key either way
            }
        }
        if (!matches) {
            throw new IllegalArgumentException(KEY + " " + keyFile + ": the " + key.getAlgorithm() + " key is not the "
                    + "key of the server's certificate, the first in " + CHAIN + " " + chainFile + " ("
                    + leaf.getSubjectX500Principal() + ", " + leaf.getPublicKey().getAlgorithm() + ")");
        }
    }

    /** Every PEM object in {@code file}, in order. */
    private static List<Object> readPem(Path file, String role) {
        String text;
        try {
            if (!Files.isRegularFile(file) && Files.exists(file)) {
                throw refused(file, role, "is not a regular file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw refused(file, role, "is larger than 1 MiB, which no PEM " + role.replace(" file", "") + " is");
            }
            // ISO-8859-1 maps every byte, so a binary file reaches the parser, which says what it is not.
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw refused(file, role, "does not exist");
        } catch (IOException e) {
            throw refused(file, role, "cannot be read: " + e);
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) { // PEMException, or a malformed body inside a PEM block
            throw refused(file, role, "is not valid PEM: " + e.getMessage());
        }
        return objects;
    }

    private static String describe(Object object) {
        if (object instanceof X509CertificateHolder certificate) {
            return "a certificate (" + certificate.getSubject() + ")";
        }
        if (object instanceof PEMKeyPair || object instanceof PrivateKeyInfo) {
            return "a private key";
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
            return "an encrypted private key";
        }
        if (object instanceof SubjectPublicKeyInfo) {
            return "a public key";
        }
        if (object instanceof X509CRLHolder) {
            return "a certificate revocation list";
        }
        if (object instanceof PKCS10CertificationRequest) {
            return "a certificate signing request";
        }
        if (object instanceof ASN1ObjectIdentifier) {
            return "EC parameters";
        }
        return "a PEM " + object.getClass().getSimpleName();
    }

    private static IllegalArgumentException refused(Path file, String role, String what) {
        return new IllegalArgumentException(role + " " + file + " " + what);
    }
}
