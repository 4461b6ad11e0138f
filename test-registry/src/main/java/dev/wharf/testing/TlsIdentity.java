package dev.wharf.testing;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * What a registry serving TLS presents and what its clients trust: the certificate chain (the server's own
 * certificate first, then the intermediates that issued it), the private key of the first certificate, and the
 * trust anchor a client needs, the last certificate of the chain or the CA that issued it. Checked where it is
 * made ({@link PemFiles}, {@link ThrowawayCa}); this class only carries and hands it out.
 *
 * @param chain  the server's certificate first, then each issuer in turn; never empty
 * @param key    the private key of {@code chain.get(0)}
 * @param anchor the certificate a client trusts to accept this chain
 */
record TlsIdentity(List<X509Certificate> chain, PrivateKey key, X509Certificate anchor) {
    /** Only ever in memory; a key store needs one. */
    private static final char[] KEY_STORE_PASSWORD = "wharf".toCharArray();
    /**
     * The key store never leaves memory, so what its type protects keys with does not matter, but what it costs does:
     * PKCS#12 runs 10,000 rounds of PBKDF2 to store the key and as many again to hand it to Jetty, several
     * milliseconds of each start; JKS's protection costs nothing.
     */
    private static final String KEY_STORE_TYPE = "JKS";

    TlsIdentity {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(anchor, "anchor");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's certificate");
        }
    }

    /**
     * Jetty's server side of TLS over this identity, from an in-memory key store. One certificate, so there is
     * nothing for SNI to choose; HTTP/1.1 only (no ALPN).
     */
    SslContextFactory.Server sslContextFactory() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        try {
            KeyStore keys = emptyKeyStore();
            // Also the trust store: the server asks no client for a certificate, and without one Jetty would parse
            // the JDK's whole list of public CAs at every start.
            factory.setTrustStore(keys);
            keys.setKeyEntry("wharf", key, KEY_STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
            factory.setKeyStore(keys);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the TLS key in a key store: " + e.getMessage(), e);
        }
        factory.setKeyStorePassword(new String(KEY_STORE_PASSWORD));
        return factory;
    }

    /** A client context that trusts {@link #anchor()} and nothing else. */
    SSLContext trustingContext() {
        return trusting(anchor);
    }

    /** A client context that trusts {@code anchor} and nothing else. */
    static SSLContext trusting(X509Certificate anchor) {
        try {
            KeyStore trusted = emptyKeyStore();
            trusted.setCertificateEntry("wharf-ca", anchor);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context trusting " + anchor.getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }

    /** {@link #anchor()} as one PEM {@code CERTIFICATE} block, lines of 64 characters, ending in a newline. */
    String anchorPem() {
        return pem(anchor);
    }

    /** {@code certificate} as a PEM block. */
    static String pem(X509Certificate certificate) {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KEY_STORE_TYPE);
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an empty key store cannot fail to load", e);
        }
        return store;
    }
}
