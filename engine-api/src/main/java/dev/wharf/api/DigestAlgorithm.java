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
    /**
     * A hasher never used, cloned for each new one: {@link MessageDigest#getInstance} looks the provider up every
     * time, which the profile of manifest pushes showed at 2 % of a push while the code is still being compiled.
     * Null when the provider's hasher cannot be cloned.
     */
    private final MessageDigest prototype;

    DigestAlgorithm(String id, String jcaName, int encodedLength) {
        this.id = id;
        this.jcaName = jcaName;
        this.encodedLength = encodedLength;
        this.prototype = cloneable(lookUp(jcaName));
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
        if (prototype != null) {
            try {
                return (MessageDigest) prototype.clone(); // the prototype is never updated, so clones are fresh
            } catch (CloneNotSupportedException e) {
                // cloneable() said it could; fall back to a lookup
            }
        }
        return lookUp(jcaName);
    }

    private static MessageDigest lookUp(String jcaName) {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
    }

    private static MessageDigest cloneable(MessageDigest digest) {
        try {
            digest.clone();
            return digest;
        } catch (CloneNotSupportedException e) {
            return null;
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
