package dev.wharf.servlet.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of the registry token flow's access vocabulary: a resource type, a resource name and the actions
 * on it, written {@code type:name:action[,action...]} as in {@code repository:team/app:pull,push} or
 * {@code registry:catalog:*}. It is what a {@code 401} challenge names in its {@code scope} parameter, what a
 * client asks a token service for, and what a token's {@code access} claim grants (one {@code {"type","name",
 * "actions"}} object per scope).
 *
 * <p>A repository name may contain a colon only as a registry host's port (never in Wharf's names, which the spec
 * restricts), so the type is what precedes the first colon and the actions what follows the last one.
 *
 * @param type    {@code repository} or {@code registry} (other types are kept, and never grant anything here)
 * @param name    the repository name, or {@code catalog} for the registry type
 * @param actions the actions, in the order given, without duplicates; {@code *} stands for all
 */
public record Scope(String type, String name, Set<String> actions) {
    // Before the constants below, which the constructor validates with them. The common words skip the regexes:
    // the servlet names the scopes of every request it serves.
    private static final Set<String> COMMON_ACTIONS = Set.of("pull", "push", "delete", "*");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9._/-]+|\\*", Pattern.CASE_INSENSITIVE);
    private static final Pattern TYPE = Pattern.compile("[a-z0-9]+(?:\\([a-z0-9]+\\))?");

    /** The resource type of repositories. */
    public static final String REPOSITORY = "repository";
    /** The resource type of registry-wide resources ({@code registry:catalog:*}). */
    public static final String REGISTRY = "registry";
    /** What the catalog needs: {@code registry:catalog:*}. */
    public static final Scope CATALOG = new Scope(REGISTRY, "catalog", Set.of("*"));

    /** Validates the parts; the action set is copied, keeping its order. */
    public Scope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(actions, "actions");
        if (!REPOSITORY.equals(type) && !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("scope type must be lowercase letters and digits, was '" + type + "'");
        }
        if (name.isEmpty() || name.length() > 512 || !printable(name)) {
            throw new IllegalArgumentException("scope name must be 1 to 512 printable ASCII characters without"
                    + " spaces or quotes, was '" + name + "'");
        }
        for (String action : actions) {
            if (!COMMON_ACTIONS.contains(action) && !TOKEN.matcher(action).matches()) {
                throw new IllegalArgumentException("scope action must be a word such as pull, push or *, was '"
                        + action + "'");
            }
        }
        actions = Collections.unmodifiableSet(new LinkedHashSet<>(actions));
    }

    /** True if {@code name} is printable ASCII without spaces or quotes (a loop: every request names a scope). */
    private static boolean printable(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == '"') {
                return false;
            }
        }
        return true;
    }

    /** The repository scope {@code repository:<name>:<actions>}. */
    public static Scope repository(String name, String... actions) {
        return new Scope(REPOSITORY, name, new LinkedHashSet<>(List.of(actions)));
    }

    /**
     * Parses {@code type:name:actions}, where actions are comma-separated and may be empty ({@code
     * repository:a:}, which asks for nothing).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Scope parse(String text) {
        Objects.requireNonNull(text, "text");
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last == first) {
            throw new IllegalArgumentException("scope must be type:name:actions, was '" + text + "'");
        }
        String actions = text.substring(last + 1);
        Set<String> set = new LinkedHashSet<>();
        if (!actions.isEmpty()) {
            set.addAll(Arrays.asList(actions.split(",", -1)));
        }
        return new Scope(text.substring(0, first), text.substring(first + 1, last), set);
    }

    /**
     * Parses the {@code scope} value a client sends, which may hold several scopes separated by spaces (the
     * token specification's form); {@code scope} parameters may also repeat, each parsed on its own.
     */
    public static List<Scope> parseAll(String text) {
        return Arrays.stream(text.trim().split(" +")).filter(s -> !s.isEmpty()).map(Scope::parse).toList();
    }

    /** True if this scope names {@code action} or {@code *}. */
    public boolean allows(String action) {
        return actions.contains(action) || actions.contains("*");
    }

    /** True if this scope is about the same resource as {@code other} and grants every action {@code other} names. */
    public boolean covers(Scope other) {
        if (!type.equals(other.type) || !name.equals(other.name)) {
            return false;
        }
        for (String action : other.actions) {
            if (!allows(action)) {
                return false;
            }
        }
        return true;
    }

    /** The same resource with only {@code granted} actions. */
    public Scope withActions(Set<String> granted) {
        return new Scope(type, name, granted);
    }

    /** {@code type:name:action,action}, the challenge's and the token request's form. */
    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions);
    }
}
