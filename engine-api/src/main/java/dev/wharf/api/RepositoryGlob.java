package dev.wharf.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A pattern over {@link RepositoryName}s, such as {@code team/**} or {@code shared/*-cache}, used wherever a
 * configuration names a set of repositories (access rules, and later search filters and quotas).
 *
 * <h2>Semantics</h2>
 * A glob is a sequence of components separated by {@code /}, matched against the components of a name:
 * <ul>
 *   <li>A component made of {@code **} alone matches zero or more whole components: {@code **&#47;app} matches
 *       {@code app} and {@code x/y/app}; {@code a/**&#47;b} matches {@code a/b} and {@code a/x/y/b}; {@code **} on
 *       its own matches every name.</li>
 *   <li>Exception: a trailing {@code **} after at least one other component matches <em>one</em> or more
 *       components, so {@code team/**} matches {@code team/a} and {@code team/a/b} but not {@code team}: it
 *       means "everything inside {@code team/}", as a trailing {@code /**} does in {@code .gitignore}. Write
 *       {@code team} as a second glob to include the name itself.</li>
 *   <li>Within any other component, {@code *} matches any run of characters, possibly empty, and {@code ?}
 *       matches exactly one character; neither ever matches {@code /}, so {@code team/*} matches
 *       {@code team/a} but not {@code team/a/b}, and {@code team/a*} matches {@code team/a} and
 *       {@code team/abc}.</li>
 *   <li>Every other character matches itself and must be one a repository name may hold: a lowercase letter,
 *       a digit, {@code .}, {@code _} or {@code -}. Matching is case-sensitive, as names are lowercase.</li>
 * </ul>
 * A glob is not empty, has no empty component (no leading, trailing or double {@code /}), uses {@code **}
 * only as a whole component and is at most {@value RepositoryName#MAX_LENGTH} characters long. Anything else is
 * refused with an {@link IllegalArgumentException} saying what is wrong.
 *
 * <p>{@link #toString()} is canonical: the glob as written, except that a run of adjacent {@code **}
 * components, which matches exactly what one does, is written as one. Two globs are {@link #equals equal}
 * when their canonical forms are.
 *
 * <p>Matching allocates nothing and takes time proportional to the product of the glob's and the name's
 * lengths at worst (no backtracking blow-up: {@code *a*a*a*b} against a long run of {@code a}s is quick), so
 * it can be called on every request. Instances are immutable and thread-safe.
 */
public final class RepositoryGlob {
    /** The internal form of a whole-component {@code **}. */
    private static final String ANY_COMPONENTS = "**";
    /** The internal form of exactly one component of any content (what a trailing {@code **} begins with). */
    private static final String ONE_COMPONENT = "*";

    private final String text;
    /**
     * The components to match, with a trailing {@code **} of a multi-component glob rewritten as
     * {@code *}, {@code **} (one component, then zero or more), so that the matcher needs only the
     * zero-or-more rule.
     */
    private final String[] components;

    private RepositoryGlob(String text, String[] components) {
        this.text = text;
        this.components = components;
    }

    /**
     * Validates and compiles a glob.
     *
     * @throws IllegalArgumentException naming the glob and what is wrong with it
     */
    public static RepositoryGlob parse(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw invalid("", "the glob is empty");
        }
        if (glob.length() > RepositoryName.MAX_LENGTH) {
            throw invalid(glob, "it is " + glob.length() + " characters long; at most " + RepositoryName.MAX_LENGTH
                    + " are allowed, as for repository names");
        }
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (!isAllowed(c)) {
                String at = "'" + c + "' at position " + (i + 1);
                String why = Character.isUpperCase(c)
                        ? "repository names are lowercase, so " + at + " never matches; write '"
                                + Character.toLowerCase(c) + "'"
                        : at + " is not allowed: a glob holds lowercase letters, digits, '.', '_', '-', the "
                                + "separator '/' and the wildcards '*', '?', '**'";
                throw invalid(glob, why);
            }
        }
        String[] written = glob.split("/", -1);
        List<String> canonical = new ArrayList<>(written.length);
        for (String component : written) {
            if (component.isEmpty()) {
                throw invalid(glob, "a component is empty (a leading, trailing or double '/')");
            }
            if (component.contains(ANY_COMPONENTS) && !component.equals(ANY_COMPONENTS)) {
                throw invalid(glob, "'**' must be a whole component, as in 'team/**' or '**/app'; in '" + component
                        + "' use '*' to match characters within one component");
            }
            boolean repeatsAny = component.equals(ANY_COMPONENTS) && !canonical.isEmpty()
                    && canonical.get(canonical.size() - 1).equals(ANY_COMPONENTS);
            if (!repeatsAny) {
                canonical.add(component);
            }
        }
        List<String> compiled = new ArrayList<>(canonical);
        int last = compiled.size() - 1;
        if (last > 0 && compiled.get(last).equals(ANY_COMPONENTS)) {
            compiled.add(last, ONE_COMPONENT);
        }
        return new RepositoryGlob(String.join("/", canonical), compiled.toArray(String[]::new));
    }

    /** Whether {@code c} may stand in a glob: a repository name's characters and the wildcards. */
    static boolean isAllowed(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/'
                || c == '*' || c == '?';
    }

    private static IllegalArgumentException invalid(String glob, String why) {
        return new IllegalArgumentException("invalid repository glob '" + Digest.abbreviate(glob) + "': " + why);
    }

    /** True if {@code name} is one of the names this glob describes. */
    public boolean matches(RepositoryName name) {
        return matches(name.value());
    }

    /**
     * Component-wise wildcard matching. A {@code **} is handled like {@code *} in ordinary string globbing,
     * one component standing for one character: on a mismatch, the most recent {@code **} absorbs one more
     * component and matching resumes after it. Only the most recent one needs retrying (an earlier
     * {@code **} absorbing more could only leave less for the later one), so each name component is
     * revisited at most once per glob component.
     */
    private boolean matches(String name) {
        int n = name.length();
        int glob = 0;
        int start = 0; // start of the current name component; n + 1 once all are consumed
        int anyGlob = -1; // index of the most recent '**'
        int anyResume = -1; // where the name resumes if that '**' absorbs one more component
        while (start <= n) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            if (glob < components.length && components[glob].equals(ANY_COMPONENTS)) {
                anyGlob = glob++;
                anyResume = start;
            } else if (glob < components.length && componentMatches(components[glob], name, start, end)) {
                glob++;
                start = end + 1;
            } else if (anyGlob >= 0) {
                glob = anyGlob + 1;
                int slash = name.indexOf('/', anyResume);
                anyResume = slash < 0 ? n + 1 : slash + 1;
                start = anyResume;
            } else {
                return false;
            }
        }
        while (glob < components.length && components[glob].equals(ANY_COMPONENTS)) {
            glob++;
        }
        return glob == components.length;
    }

    /**
     * Whether {@code pattern} ({@code *}, {@code ?} and literal characters) matches {@code name[from, to)}:
     * the same retry-the-last-star scheme as {@link #matches(String)}, over characters, in at most
     * pattern length × component length steps.
     */
    private static boolean componentMatches(String pattern, String name, int from, int to) {
        int p = 0;
        int i = from;
        int star = -1;
        int starResume = -1;
        int length = pattern.length();
        while (i < to) {
            char c = p < length ? pattern.charAt(p) : 0;
            if (c == '?' || p < length && c != '*' && c == name.charAt(i)) {
                p++;
                i++;
            } else if (c == '*') {
                star = p++;
                starResume = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++starResume;
            } else {
                return false;
            }
        }
        while (p < length && pattern.charAt(p) == '*') {
            p++;
        }
        return p == length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RepositoryGlob g && g.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The canonical glob: as written, with adjacent {@code **} components written once. */
    @Override
    public String toString() {
        return text;
    }
}
