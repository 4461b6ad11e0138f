package dev.wharf.api;

import java.util.regex.Pattern;

/**
 * A tag: a mutable, repository-scoped name for a manifest, matching
 * {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}} (at most 128 characters). Tags order "ASCIIbetically",
 * as the spec's tag listing requires.
 */
public final class Tag implements Reference, Comparable<Tag> {
    private static final Pattern PATTERN = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private final String value;

    private Tag(String value) {
        this.value = value;
    }

    /**
     * Validates and wraps a tag.
     *
     * @throws RegistryException {@link ErrorCode#TAG_INVALID} naming the rule that failed
     */
    public static Tag of(String value) {
        if (isValid(value)) {
            return new Tag(value);
        }
        if (value == null || value.isEmpty()) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "tag is empty");
        }
        if (value.length() > 128) {
            throw new RegistryException(ErrorCode.TAG_INVALID,
                    "tag is " + value.length() + " characters long; at most 128 are allowed");
        }
        if (!PATTERN.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "invalid tag '" + Digest.abbreviate(value)
                    + "': must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
        }
        return new Tag(value);
    }

    /** True if {@code value} is a valid tag. */
    public static boolean isValid(String value) {
        // One scan instead of the regex: tags are validated on every manifest request.
        if (value == null || value.isEmpty() || value.length() > 128) {
            return false;
        }
        char first = value.charAt(0);
        if (!(isAlnum(first) || first == '_')) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(isAlnum(c) || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    public String value() {
        return value;
    }

    @Override
    public boolean isDigest() {
        return false;
    }

    @Override
    public int compareTo(Tag o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tag t && t.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
