package dev.wharf.api;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm ":" encoded}, as defined by the OCI image spec's descriptor
 * section. Only registered algorithms Wharf can verify ({@link DigestAlgorithm}) are accepted, and the
 * encoded part must be the algorithm's exact lowercase hex length.
 *
 * <p>Instances are immutable; {@link #toString()} is the canonical string form.
 */
public final class Digest implements Reference, Comparable<Digest> {
    /** The spec grammar for any digest; checked first so a malformed string gets a precise message. */
    private static final Pattern GRAMMAR =
            Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");
    private static final int MAX_LENGTH = 256;

    private final DigestAlgorithm algorithm;
    private final String encoded;
    private final String string;

    private Digest(DigestAlgorithm algorithm, String encoded) {
        this(algorithm, encoded, algorithm.id() + ':' + encoded);
    }

    private Digest(DigestAlgorithm algorithm, String encoded, String string) {
        this.algorithm = algorithm;
        this.encoded = encoded;
        this.string = string;
    }

    /**
     * Parses a digest string.
     *
     * @throws RegistryException {@link ErrorCode#DIGEST_INVALID} if malformed or of an unsupported algorithm
     */
    public static Digest parse(String s) {
        Digest fast = parseCanonical(s);
        if (fast != null) {
            return fast;
        }
        if (s == null || s.isEmpty()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "digest is missing");
        }
        if (s.length() > MAX_LENGTH || !GRAMMAR.matcher(s).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID,
                    "malformed digest '" + abbreviate(s) + "': expected algorithm:hex, e.g. sha256:<64 hex digits>");
        }
        int colon = s.indexOf(':');
        DigestAlgorithm algorithm = DigestAlgorithm.of(s.substring(0, colon));
        String encoded = s.substring(colon + 1);
        if (encoded.length() != algorithm.encodedLength() || !LOWER_HEX.matcher(encoded).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "malformed " + algorithm.id() + " digest '"
                    + abbreviate(s) + "': expected " + algorithm.encodedLength() + " lowercase hex digits");
        }
        return new Digest(algorithm, encoded);
    }

    /**
     * The hot path: a well-formed sha256 or sha512 digest checked by one scan, no regex. Null for anything
     * else, which {@link #parse} then examines with the full grammar to say precisely what is wrong.
     */
    private static Digest parseCanonical(String s) {
        if (s == null) {
            return null;
        }
        DigestAlgorithm algorithm;
        if (s.length() == 7 + 64 && s.startsWith("sha256:")) {
            algorithm = DigestAlgorithm.SHA256;
        } else if (s.length() == 7 + 128 && s.startsWith("sha512:")) {
            algorithm = DigestAlgorithm.SHA512;
        } else {
            return null;
        }
        for (int i = 7; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return new Digest(algorithm, s.substring(7), s);
    }

    /** True if {@code s} looks like a digest (has the spec grammar), whether or not it is supported. */
    public static boolean looksLikeDigest(String s) {
        return s != null && s.length() <= MAX_LENGTH && s.indexOf(':') > 0 && GRAMMAR.matcher(s).matches();
    }

    /** The digest of raw hash bytes produced by {@code algorithm}. */
    public static Digest of(DigestAlgorithm algorithm, byte[] hash) {
        String hex = HexFormat.of().formatHex(hash);
        if (hex.length() != algorithm.encodedLength()) {
            throw new IllegalArgumentException("hash length " + hash.length + " does not fit " + algorithm);
        }
        return new Digest(algorithm, hex);
    }

    public DigestAlgorithm algorithm() {
        return algorithm;
    }

    /** The hex part after the colon. */
    public String encoded() {
        return encoded;
    }

    @Override
    public boolean isDigest() {
        return true;
    }

    @Override
    public int compareTo(Digest o) {
        return string.compareTo(o.string);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && d.string.equals(string);
    }

    @Override
    public int hashCode() {
        return string.hashCode();
    }

    @Override
    public String toString() {
        return string;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
