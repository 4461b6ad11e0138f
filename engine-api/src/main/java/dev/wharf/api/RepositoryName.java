package dev.wharf.api;

import java.util.regex.Pattern;

/**
 * A repository name ({@code <name>} in the spec): slash-separated lowercase components, each matching
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*}, at most {@value #MAX_LENGTH} characters in all.
 *
 * <p>Validation messages say which rule failed (uppercase, empty component, {@code ..}, length), so a
 * client sees why its name was refused rather than only that it was.
 */
public final class RepositoryName implements Comparable<RepositoryName> {
    /** Longest accepted name; clients cap host + "/" + name at 255 characters. */
    public static final int MAX_LENGTH = 255;

    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern COMPONENT_PATTERN = Pattern.compile(COMPONENT);

    private final String value;

    private RepositoryName(String value) {
        this.value = value;
    }

    /**
     * Validates and wraps a repository name.
     *
     * @throws RegistryException {@link ErrorCode#NAME_INVALID} with a message saying which rule failed
     */
    public static RepositoryName of(String value) {
        if (value != null && value.length() <= MAX_LENGTH && isValidName(value)) {
            return new RepositoryName(value);
        }
        if (value == null || value.isEmpty()) {
            throw invalid(value, "the name is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw invalid(value, "the name is " + value.length() + " characters long; at most " + MAX_LENGTH
                    + " are allowed");
        }
        if (!value.equals(value.toLowerCase(java.util.Locale.ROOT))) {
            throw invalid(value, "repository names must be lowercase");
        }
        String[] components = value.split("/", -1);
        for (String component : components) {
            if (component.isEmpty()) {
                throw invalid(value, "a path component is empty (leading, trailing or double '/')");
            }
            if (!COMPONENT_PATTERN.matcher(component).matches()) {
                throw invalid(value, "component '" + Digest.abbreviate(component) + "' must match " + COMPONENT
                        + " (lowercase letters and digits, separated by '.', '_', '__' or dashes)");
            }
        }
        return new RepositoryName(value);
    }

    /**
     * One scan of the whole name against the component grammar, instead of splitting and matching a regex
     * per component: names are validated on every request. Invalid names fall through to the detailed
     * checks, which say what is wrong.
     */
    private static boolean isValidName(String value) {
        int i = 0;
        int n = value.length();
        while (true) { // one component
            int start = i;
            while (i < n && isLowerAlnum(value.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false; // empty component or a leading separator
            }
            while (i < n && value.charAt(i) != '/') {
                char c = value.charAt(i);
                if (c == '.') {
                    i++;
                } else if (c == '_') {
                    i++;
                    if (i < n && value.charAt(i) == '_') {
                        i++;
                    }
                } else if (c == '-') {
                    while (i < n && value.charAt(i) == '-') {
                        i++;
                    }
                } else {
                    return false;
                }
                int run = i;
                while (i < n && isLowerAlnum(value.charAt(i))) {
                    i++;
                }
                if (i == run) {
                    return false; // a separator not followed by letters or digits
                }
            }
            if (i == n) {
                return true;
            }
            i++; // past '/'
            if (i == n) {
                return false; // trailing slash
            }
        }
    }

    private static boolean isLowerAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    private static RegistryException invalid(String value, String why) {
        String shown = value == null ? "" : Digest.abbreviate(value);
        return new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name '" + shown + "': " + why,
                java.util.Map.of("name", shown));
    }

    public String value() {
        return value;
    }

    @Override
    public int compareTo(RepositoryName o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RepositoryName n && n.value.equals(value);
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
