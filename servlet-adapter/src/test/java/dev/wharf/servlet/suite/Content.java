package dev.wharf.servlet.suite;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/** Fresh test content, digests computed independently of the engine, and unique repository names. */
public final class Content {
    /** The OCI empty JSON blob {@code {}} used by artifacts as an unused config. */
    public static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    /** Its digest, as published in the image spec ("Guidance for an Empty Descriptor"). */
    public static final String EMPTY_JSON_DIGEST =
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    /** The sha256 digest of zero bytes. */
    public static final String EMPTY_BLOB_DIGEST =
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final Random RANDOM = new SecureRandom();

    private Content() {
    }

    /** {@code size} random bytes: unique content, so no other test has linked it anywhere. */
    public static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A repository name no other test uses: {@code <prefix>/<random>}. */
    public static String uniqueRepo(String prefix) {
        return prefix + "/" + randomId();
    }

    /** Ten lowercase hex characters. */
    public static String randomId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
    }

    public static String sha256(byte[] bytes) {
        return "sha256:" + hex("SHA-256", bytes);
    }

    public static String sha512(byte[] bytes) {
        return "sha512:" + hex("SHA-512", bytes);
    }

    /** A well-formed sha256 digest of content that does not exist anywhere. */
    public static String unknownDigest() {
        return sha256(randomBytes(32));
    }

    public static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static byte[] slice(byte[] bytes, int from, int toExclusive) {
        return Arrays.copyOfRange(bytes, from, toExclusive);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
