package dev.wharf.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest algorithms Wharf computes and verifies: {@code sha256} (canonical, the default for
 * everything the registry hashes on its own) and {@code sha512}, as registered by the OCI image spec.
 */
public enum DigestAlgorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA512("sha512", "SHA-512", 128);

    private final String id;
    private final String jcaName;
    private final int encodedLength;

    DigestAlgorithm(String id, String jcaName, int encodedLength) {
        this.id = id;
        this.jcaName = jcaName;
        this.encodedLength = encodedLength;
    }

    /** Looks up an algorithm by its spec identifier; {@link ErrorCode#DIGEST_INVALID} if unsupported. */
    public static DigestAlgorithm of(String id) {
        for (DigestAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new RegistryException(ErrorCode.DIGEST_INVALID,
                "unsupported digest algorithm '" + id + "': use sha256 or sha512");
    }

    /** The identifier used in digest strings, e.g. {@code sha256}. */
    public String id() {
        return id;
    }

    /** Number of lowercase hex characters in an encoded digest of this algorithm. */
    public int encodedLength() {
        return encodedLength;
    }

    /** A fresh JCA hasher for this algorithm. */
    public MessageDigest newMessageDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
    }

    /** Digest of the given bytes. */
    public Digest digest(byte[] bytes) {
        return Digest.of(this, newMessageDigest().digest(bytes));
    }

    @Override
    public String toString() {
        return id;
    }
}
