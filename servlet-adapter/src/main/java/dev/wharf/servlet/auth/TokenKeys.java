package dev.wharf.servlet.auth;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The public keys a {@link TokenVerifier} trusts, each with the key id ({@code kid}) tokens may name: read from a
 * PEM certificate bundle (the token service's certificates; the key id is then the key's RFC 7638 thumbprint),
 * from a JWKS file (the key ids it gives), or taken from a {@link TokenIssuer}. Only RSA and EC P-256 keys are kept:
 * they are what RS256 and ES256, the algorithms the token flow uses, verify with.
 */
public final class TokenKeys {
    private final List<Entry> keys;

    private TokenKeys(List<Entry> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no RSA or EC P-256 public key to verify tokens with");
        }
        this.keys = List.copyOf(keys);
    }

    /**
     * The keys of the certificates in a PEM bundle ({@code -----BEGIN CERTIFICATE-----} blocks).
     *
     * @throws IllegalArgumentException when the file holds no certificate, or one that does not parse
     * @throws UncheckedIOException     when it cannot be read
     */
    public static TokenKeys fromPemCertificates(Path bundle) {
        byte[] bytes = read(bundle);
        Collection<? extends java.security.cert.Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw new IllegalArgumentException(bundle + " is not a PEM certificate bundle: " + e.getMessage(), e);
        }
        List<Entry> keys = new ArrayList<>();
        for (java.security.cert.Certificate certificate : certificates) {
            if (certificate instanceof X509Certificate x509) {
                entry(x509.getPublicKey(), Optional.empty()).ifPresent(keys::add);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(bundle + " holds no certificate with an RSA or EC P-256 key");
        }
        return new TokenKeys(keys);
    }

    /**
     * The public keys of a JWKS document ({@code {"keys":[...]}}); private parts, if any, are ignored.
     *
     * @throws IllegalArgumentException when the file is not a JWK set or has no RSA or EC P-256 key
     * @throws UncheckedIOException     when it cannot be read
     */
    public static TokenKeys fromJwks(Path file) {
        JWKSet set;
        try {
            set = JWKSet.parse(new String(read(file), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IllegalArgumentException(file + " is not a JWK set: " + e.getMessage(), e);
        }
        return fromJwks(set, file.toString());
    }

    /** The public keys of {@code set}. */
    public static TokenKeys fromJwks(JWKSet set) {
        return fromJwks(set, "the JWK set");
    }

    /** Exactly {@code keys}, with their thumbprints as key ids. */
    public static TokenKeys of(Collection<? extends PublicKey> keys) {
        List<Entry> entries = new ArrayList<>();
        for (PublicKey key : keys) {
            entries.add(entry(key, Optional.empty()).orElseThrow(() -> new IllegalArgumentException(
                    "only RSA and EC P-256 keys verify tokens here, not " + key.getAlgorithm())));
        }
        return new TokenKeys(entries);
    }

    private static TokenKeys fromJwks(JWKSet set, String source) {
        List<Entry> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                PublicKey key = jwk instanceof RSAKey rsa ? rsa.toRSAPublicKey()
                        : jwk instanceof ECKey ec ? ec.toECPublicKey() : null;
                if (key != null) {
                    entry(key, Optional.ofNullable(jwk.getKeyID())).ifPresent(keys::add);
                }
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalArgumentException(source + " has a key that does not parse: " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no RSA or EC P-256 key");
        }
        return new TokenKeys(keys);
    }

    /** The keys a token signed with {@code rsa} (RS256) or not (ES256), and naming {@code kid}, may be checked with. */
    List<PublicKey> select(boolean rsa, Optional<String> kid) {
        List<PublicKey> named = new ArrayList<>();
        List<PublicKey> all = new ArrayList<>();
        for (Entry entry : keys) {
            if ((entry.key instanceof RSAPublicKey) == rsa) {
                all.add(entry.key);
                if (kid.isPresent() && kid.get().equals(entry.kid)) {
                    named.add(entry.key);
                }
            }
        }
        // A kid we do not know is not a refusal: token services name keys in their own ways (libtrust ids, say);
        // every key of the right kind is tried, and a signature only verifies with the right one.
        return named.isEmpty() ? all : named;
    }

    /** How many keys are trusted. */
    public int size() {
        return keys.size();
    }

    @Override
    public String toString() {
        return "TokenKeys" + keys.stream().map(e -> e.kid).toList();
    }

    private static Optional<Entry> entry(PublicKey key, Optional<String> kid) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                return Optional.of(new Entry(rsa, kid.orElse(new RSAKey.Builder(rsa).build()
                        .computeThumbprint().toString())));
            }
            if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256) {
                return Optional.of(new Entry(ec, kid.orElse(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, ec)
                        .build().computeThumbprint().toString())));
            }
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalArgumentException("cannot compute a key id: " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    private static byte[] read(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private record Entry(PublicKey key, String kid) {
    }
}
