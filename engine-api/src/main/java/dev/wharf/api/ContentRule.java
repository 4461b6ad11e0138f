package dev.wharf.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule of the content policy: in repositories a {@link RepositoryGlob} matches, allow or deny the values of one
 * manifest field that match a glob.
 *
 * <p>For a push to repository R, the rules whose namespace matches R are taken field by field: a value that
 * matches a deny rule's glob is refused; where the field has allow rules, a value that matches none of them is
 * refused; a field without rules accepts anything. A refused push answers {@code 415} with code
 * {@code UNSUPPORTED} and a detail naming the field and the value, never the rules.
 *
 * <p>Value globs: {@code *} matches any run of characters (slashes included), {@code ?} one character, anything
 * else itself, case-insensitively (media types are case-insensitive): {@code application/vnd.oci.image.*},
 * {@code application/vnd.cncf.helm.*}.
 *
 * @param namespace the repositories the rule applies in
 * @param field     the manifest field it checks
 * @param allow     true for an allow rule, false for a deny rule
 * @param glob      the values it matches
 */
public record ContentRule(RepositoryGlob namespace, Field field, boolean allow, String glob) {

    /** The manifest fields a content rule can check. */
    public enum Field {
        /** The manifest's media type (image manifest, index, Docker manifest or manifest list). */
        MANIFEST_MEDIA_TYPE("mediaType"),
        /**
         * The artifact type: the manifest's {@code artifactType}, or else its config's media type when that is not
         * an image configuration or the empty descriptor (a plain image has no artifact type).
         */
        ARTIFACT_TYPE("artifactType"),
        /** The media type of an image manifest's config. */
        CONFIG_MEDIA_TYPE("config.mediaType"),
        /** The media type of each layer, non-distributable layers included. */
        LAYER_MEDIA_TYPE("layers[].mediaType"),
        /**
         * What the manifest is: its {@linkplain #ARTIFACT_TYPE artifact type} when it has one, else its
         * {@linkplain #MANIFEST_MEDIA_TYPE media type}. One list over both, as the launcher's
         * {@code --allow-media-type} and {@code --deny-media-type} give it: allowing
         * {@code application/vnd.oci.image.*} and {@code application/vnd.cncf.helm.*} accepts OCI images and Helm
         * charts and nothing else. A refusal names the field whose value was checked.
         */
        TYPE("type");

        private final String label;

        Field(String label) {
            this.label = label;
        }

        /** The field as a refusal's detail names it. */
        public String label() {
            return label;
        }
    }

    public ContentRule {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(field, "field");
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("a content rule needs a non-empty glob");
        }
    }

    /** Allows values of {@code field} matching {@code glob} in repositories matching {@code namespace}. */
    public static ContentRule allow(String namespace, Field field, String glob) {
        return new ContentRule(RepositoryGlob.parse(namespace), field, true, glob);
    }

    /** Denies values of {@code field} matching {@code glob} in repositories matching {@code namespace}. */
    public static ContentRule deny(String namespace, Field field, String glob) {
        return new ContentRule(RepositoryGlob.parse(namespace), field, false, glob);
    }

    /**
     * How {@code rules} govern each field in {@code repository}: {@code allow-list}, {@code deny-list} or
     * {@code allow-and-deny-lists}; fields without rules there are absent. Says how the policy works, not what it
     * holds, as a discovery document may tell any client.
     */
    public static java.util.Map<Field, String> modes(java.util.List<ContentRule> rules, RepositoryName repository) {
        java.util.Map<Field, int[]> kinds = new java.util.EnumMap<>(Field.class);
        for (ContentRule rule : rules) {
            if (rule.namespace().matches(repository)) {
                kinds.computeIfAbsent(rule.field(), f -> new int[2])[rule.allow() ? 0 : 1]++;
            }
        }
        java.util.Map<Field, String> modes = new java.util.EnumMap<>(Field.class);
        kinds.forEach((field, n) -> modes.put(field, n[0] > 0 && n[1] > 0 ? "allow-and-deny-lists"
                : n[0] > 0 ? "allow-list" : "deny-list"));
        return modes;
    }

    /** True if {@code value} matches this rule's glob (compiles it: keep a {@link #matcher()} to test often). */
    public boolean matches(String value) {
        return matcher().test(value);
    }

    /** A test of values against this rule's glob, compiled once. */
    public java.util.function.Predicate<String> matcher() {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).asMatchPredicate();
    }

    @Override
    public String toString() {
        return (allow ? "allow " : "deny ") + field.label().toLowerCase(Locale.ROOT) + " " + glob + " in " + namespace;
    }
}
