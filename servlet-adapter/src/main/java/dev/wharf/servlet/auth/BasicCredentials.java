package dev.wharf.servlet.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A user and password from an {@code Authorization: Basic} header (RFC 7617, UTF-8). The password is a
 * {@code char[]} that {@link #clear()} overwrites once it has been checked.
 *
 * @param user     the user, before the first colon
 * @param password the rest
 */
record BasicCredentials(String user, char[] password) {
    private static final String SCHEME = "basic ";

    /** True for a header in the Basic scheme, whatever its contents. */
    static boolean isBasic(String header) {
        return header != null && header.length() >= SCHEME.length()
                && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * The credentials in a Basic {@code header}; empty for a header that does not decode to {@code user:password}
     * (bad base64, bad UTF-8, no colon).
     */
    static Optional<BasicCredentials> parse(String header) {
        if (!isBasic(header)) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(SCHEME.length()).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        char[] chars;
        try {
            CharBuffer buffer = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded));
            chars = Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
            Arrays.fill(buffer.array(), '\0');
        } catch (CharacterCodingException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
        int colon = -1;
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            Arrays.fill(chars, '\0');
            return Optional.empty();
        }
        String user = new String(chars, 0, colon);
        char[] password = Arrays.copyOfRange(chars, colon + 1, chars.length);
        Arrays.fill(chars, '\0');
        return Optional.of(new BasicCredentials(user, password));
    }

    /**
     * True for empty user and password ({@code Basic Og==}): what skopeo and others send after a Basic challenge
     * when they have no credentials, meaning none.
     */
    boolean isEmpty() {
        return user.isEmpty() && password.length == 0;
    }

    /** Overwrites the password. */
    void clear() {
        Arrays.fill(password, '\0');
    }

    /** Names the user, never the password. */
    @Override
    public String toString() {
        return "BasicCredentials[" + user + "]";
    }
}
