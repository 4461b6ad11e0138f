package dev.wharf.servlet.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Users and their bcrypt password hashes, in the format {@code htpasswd -B} writes: one {@code user:hash} per
 * line, {@code #} comments and blank lines ignored. Only bcrypt ({@code $2y$}, {@code $2a$}, {@code $2b$}) is
 * accepted, as in CNCF distribution: the other formats htpasswd can write (MD5 {@code $apr1$}, SHA-1
 * {@code {SHA}}, crypt, plain text) are too fast to guess against and are refused when the file is read.
 *
 * <p>Create a file with {@code htpasswd -Bbn alice secret >> users.htpasswd} (Debian package
 * {@code apache2-utils}), or from Java with {@link #hash(char[])}. The file is read once; restart to change users.
 *
 * <p>Verifying an unknown user costs a bcrypt check against a fixed hash of the same cost as the file's, so the
 * time of an answer does not tell which users exist. Thread-safe.
 */
public final class HtpasswdFile implements PasswordVerifier {
    /** The cost {@link #hash(char[])} uses: about 50–100 ms per check on a current CPU. */
    public static final int DEFAULT_COST = 10;

    private static final Set<String> BCRYPT_PREFIXES = Set.of("$2y$", "$2a$", "$2b$");

    private final Map<String, byte[]> hashes;
    private final byte[] decoy;

    private HtpasswdFile(Map<String, byte[]> hashes, byte[] decoy) {
        this.hashes = hashes;
        this.decoy = decoy;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and line for a line that is not {@code user:bcrypt-hash},
     *                                  a user listed twice, or a file with no users
     * @throws UncheckedIOException     when the file cannot be read
     */
    public static HtpasswdFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the htpasswd file " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), lines);
    }

    /** Parses {@code lines} as {@link #read} does a file's; {@code source} names them in messages. */
    public static HtpasswdFile parse(String source, List<String> lines) {
        Map<String, byte[]> hashes = new HashMap<>();
        int cost = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(where + ": expected user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            if (hash.length() != 60 || BCRYPT_PREFIXES.stream().noneMatch(hash::startsWith)) {
                throw new IllegalArgumentException(where + ": the hash of user '" + user + "' is not bcrypt; only"
                        + " bcrypt hashes are accepted (create them with htpasswd -B)");
            }
            int lineCost;
            try {
                lineCost = Integer.parseInt(hash.substring(4, 6));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": the bcrypt hash of user '" + user + "' has no cost");
            }
            if (hashes.put(user, hash.getBytes(StandardCharsets.US_ASCII)) != null) {
                throw new IllegalArgumentException(where + ": user '" + user + "' is listed twice");
            }
            cost = Math.max(cost, lineCost);
        }
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException(source + " lists no users; add one with htpasswd -B " + source
                    + " USER");
        }
        byte[] decoy = BCrypt.withDefaults().hash(Math.max(4, Math.min(31, cost)),
                "wharf-decoy-password".toCharArray());
        return new HtpasswdFile(Map.copyOf(hashes), decoy);
    }

    /** A bcrypt hash of {@code password} at {@link #DEFAULT_COST}, as one would write after {@code user:}. */
    public static String hash(char[] password) {
        return hash(password, DEFAULT_COST);
    }

    /**
     * A bcrypt hash of {@code password} at {@code cost} (4 to 31; each step doubles the time). Below the default
     * only for throwaway users, such as a test registry's, whose start should take milliseconds.
     */
    public static String hash(char[] password, int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4 to 31, was " + cost);
        }
        return new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(cost, password), StandardCharsets.US_ASCII);
    }

    @Override
    public boolean verify(String user, char[] password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        byte[] hash = hashes.get(user);
        // A missing user is checked against the decoy, so both answers take one bcrypt check.
        boolean matches;
        try {
            matches = BCrypt.verifyer().verify(password, hash != null ? hash : decoy).verified;
        } catch (IllegalArgumentException e) {
            // bcrypt reads at most 72 bytes: a longer password is no user's, and is not truncated into one
            BCrypt.verifyer().verify(new char[0], decoy);
            matches = false;
        }
        return hash != null && matches;
    }

    /** The users in the file. */
    public Set<String> users() {
        return hashes.keySet();
    }

    /** Names the users, never their hashes. */
    @Override
    public String toString() {
        return "HtpasswdFile" + hashes.keySet();
    }
}
