package dev.wharf.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A policy that tags matching {@code tagPattern} in repositories matching {@code repositoryPattern} never
 * move and are never deleted once created (a push that would move one, or a delete that would remove one,
 * is refused with DENIED naming this rule). Patterns are globs: in repository patterns {@code *} matches
 * within one path component and {@code **} across components; in tag patterns {@code *} matches anything.
 *
 * @param repositoryPattern e.g. {@code releases/**} or {@code prod-*}
 * @param tagPattern        e.g. {@code v*}, or {@code *} for every tag
 */
public record ImmutableTagRule(String repositoryPattern, String tagPattern) {
    public ImmutableTagRule {
        Objects.requireNonNull(repositoryPattern, "repositoryPattern");
        Objects.requireNonNull(tagPattern, "tagPattern");
    }

    /** True if this rule makes {@code tag} in {@code repository} immutable. */
    public boolean covers(RepositoryName repository, Tag tag) {
        return glob(repositoryPattern, true).matcher(repository.value()).matches()
                && glob(tagPattern, false).matcher(tag.value()).matches();
    }

    private static Pattern glob(String glob, boolean paths) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean doubleStar = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                regex.append(doubleStar || !paths ? ".*" : "[^/]*");
                if (doubleStar) {
                    i++;
                }
            } else if (c == '?') {
                regex.append(paths ? "[^/]" : ".");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return "immutable tags '" + tagPattern + "' in repositories '" + repositoryPattern + "'";
    }
}
