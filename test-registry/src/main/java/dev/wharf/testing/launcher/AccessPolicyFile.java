package dev.wharf.testing.launcher;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.wharf.api.Action;
import dev.wharf.api.RepositoryGlob;
import dev.wharf.core.access.AccessPolicy;
import dev.wharf.core.access.Subject;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads an {@link AccessPolicy} from a YAML file (JSON, being YAML, works too), for {@code --access FILE}:
 *
 * <pre>{@code
 * groups:                      # optional: group name -> users (principal names)
 *   devs: [alice, bob]
 *   ops: [carol]
 * access:                      # required: the allow rules; anything not allowed is refused
 *   - groups: [devs]           # who: any of users, groups, anonymous: true, authenticated: true
 *     users: [carol]           #   (at least one; anonymous and authenticated together mean everyone)
 *     repositories: ["team/**", "shared/*"]   # RepositoryGlob syntax; quote globs that start with '*'
 *     actions: [pull, push]    # pull, push, delete, catalog, or "*" for all
 *   - anonymous: true
 *     repositories: ["public/**"]
 *     actions: [pull, catalog] # the catalog lists a repository only with both
 * }</pre>
 *
 * <p>A rule allows each of its subjects its actions on each of its globs. The reader is strict, because a
 * mistake in an access policy silently grants or refuses access: an unknown key, an unknown action, a group a
 * rule names but {@code groups} does not define, a missing or empty {@code repositories} or {@code actions}, a
 * bad glob, a rule with no subject, a value of the wrong kind (a string where a list belongs), a key given
 * twice, or YAML that does not parse is an {@link IllegalArgumentException} whose message begins with
 * {@code FILE:LINE:COLUMN:} where the mistake is, then says what is wrong, ready for the launcher to print
 * before it exits with status 2.
 */
final class AccessPolicyFile {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final List<String> RULE_KEYS = List.of("users", "groups", "anonymous", "authenticated",
            "repositories", "actions");

    private final Path file;
    private final JsonParser parser;
    private final AccessPolicy.Builder builder = AccessPolicy.builder();
    private final Set<String> definedGroups = new LinkedHashSet<>();
    /** Groups named by rules, with where, checked once the whole file (groups may come last) is read. */
    private final Map<String, JsonLocation> namedGroups = new LinkedHashMap<>();

    private AccessPolicyFile(Path file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /**
     * Reads and checks the policy in {@code file}.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds a mistake; the message names the
     *                                  file, the line and column where known, and the mistake
     */
    static AccessPolicy read(Path file) {
        try (JsonParser parser = YAML.createParser(file.toFile())) {
            return new AccessPolicyFile(file, parser).policy();
        } catch (JsonProcessingException e) {
            throw notYaml(file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the access policy: " + e.getMessage(), e);
        }
    }

    /**
     * The YAML parser's own mark and words when it has them: Jackson's location is that of the last token it
     * produced, often a line above the mistake, and its message repeats the line as a picture.
     */
    private static IllegalArgumentException notYaml(Path file, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            String context = yaml.getContext() == null ? "" : yaml.getContext() + ": ";
            return new IllegalArgumentException(file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1)
                    + ": not valid YAML: " + context + yaml.getProblem(), e);
        }
        return mistake(file, e.getLocation(), "not valid YAML: " + e.getOriginalMessage());
    }

    private AccessPolicy policy() throws IOException {
        if (parser.nextToken() == null) {
            throw mistake(parser.currentLocation(), "the file is empty; an access policy needs at least an "
                    + "'access' list of rules");
        }
        JsonLocation top = parser.currentTokenLocation();
        expect(JsonToken.START_OBJECT, "the top level must be a mapping with the keys 'groups' and 'access'");
        Set<String> keys = new HashSet<>();
        for (Optional<Located> key = nextKey(keys, ""); key.isPresent(); key = nextKey(keys, "")) {
            switch (key.get().text()) {
                case "groups" -> readGroups();
                case "access" -> readRules();
                default -> throw mistake(key.get().where(), "unknown key '" + key.get().text()
                        + "'; expected 'groups' or 'access'");
            }
        }
        if (!keys.contains("access")) {
            throw mistake(top, "there is no 'access' list of rules; without one the registry would refuse everyone");
        }
        if (parser.nextToken() != null) {
            throw mistake(parser.currentTokenLocation(), "only one YAML document is read; remove what follows");
        }
        namedGroups.forEach((group, where) -> {
            if (!definedGroups.contains(group)) {
                throw mistake(where, "group '" + group + "' is not defined under 'groups' (defined: "
                        + definedGroups + ")");
            }
        });
        return builder.build();
    }

    private void readGroups() throws IOException {
        expect(JsonToken.START_OBJECT, "'groups' must be a mapping of group names to lists of users, as in "
                + "'devs: [alice, bob]'");
        String twice = " under 'groups'";
        for (Optional<Located> key = nextKey(definedGroups, twice); key.isPresent();
                key = nextKey(definedGroups, twice)) {
            String group = key.get().text();
            List<Located> users = readStrings("the users of group '" + group + "'");
            checked(key.get().where(), () -> builder.group(group, users.stream().map(Located::text)
                    .toArray(String[]::new)));
        }
    }

    private void readRules() throws IOException {
        expect(JsonToken.START_ARRAY, "'access' must be a list of rules, each starting with '- '");
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY && token != null;
                token = parser.nextToken()) {
            readRule();
        }
    }

    private void readRule() throws IOException {
        JsonLocation rule = parser.currentTokenLocation();
        expect(JsonToken.START_OBJECT, "a rule must be a mapping with 'repositories', 'actions' and whom they are "
                + "for ('users', 'groups', 'anonymous' or 'authenticated')");
        Map<String, List<Located>> lists = new LinkedHashMap<>();
        boolean anonymous = false;
        boolean authenticated = false;
        Set<String> keys = new HashSet<>();
        String twice = " in this rule";
        for (Optional<Located> located = nextKey(keys, twice); located.isPresent(); located = nextKey(keys, twice)) {
            String key = located.get().text();
            if (!RULE_KEYS.contains(key)) {
                throw mistake(located.get().where(), "unknown key '" + key + "' in a rule; expected one of "
                        + String.join(", ", RULE_KEYS));
            }
            switch (key) {
                case "anonymous" -> anonymous = readBoolean(key);
                case "authenticated" -> authenticated = readBoolean(key);
                default -> lists.put(key, readStrings("'" + key + "'"));
            }
        }
        List<Subject> subjects = new ArrayList<>();
        for (Located user : lists.getOrDefault("users", List.of())) {
            subjects.add(checked(user.where(), () -> Subject.user(user.text())));
        }
        for (Located group : lists.getOrDefault("groups", List.of())) {
            subjects.add(checked(group.where(), () -> Subject.group(group.text())));
            namedGroups.putIfAbsent(group.text(), group.where());
        }
        if (anonymous && authenticated) {
            subjects.add(Subject.everyone());
        } else if (anonymous) {
            subjects.add(Subject.anonymous());
        } else if (authenticated) {
            subjects.add(Subject.authenticated());
        }
        if (subjects.isEmpty()) {
            throw mistake(rule, "the rule is for no one: give 'users', 'groups', 'anonymous: true' or "
                    + "'authenticated: true'");
        }
        List<RepositoryGlob> globs = new ArrayList<>();
        for (Located glob : required(lists, "repositories", rule, "\"team/**\"")) {
            globs.add(checked(glob.where(), () -> RepositoryGlob.parse(glob.text())));
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (Located action : required(lists, "actions", rule, "pull, push")) {
            actions.addAll(checked(action.where(), () -> AccessPolicy.actionsNamed(List.of(action.text()))));
        }
        for (Subject subject : subjects) {
            for (RepositoryGlob glob : globs) {
                builder.allow(subject, glob, actions);
            }
        }
    }

    private List<Located> required(Map<String, List<Located>> lists, String key, JsonLocation rule, String example) {
        List<Located> values = lists.get(key);
        if (values == null) {
            throw mistake(rule, "the rule has no '" + key + "'; give a list, as in '" + key + ": [" + example + "]'");
        }
        if (values.isEmpty()) {
            throw mistake(rule, "the rule's '" + key + "' is empty; give at least one, as in '" + key + ": ["
                    + example + "]'");
        }
        return values;
    }

    /**
     * The next key of the mapping being read, the parser then on its value; empty at the mapping's end.
     *
     * @param seen  the keys of this mapping so far, to which the key is added
     * @param twice where the mapping is, for the message about a key given twice
     */
    private Optional<Located> nextKey(Set<String> seen, String twice) throws IOException {
        if (parser.nextToken() != JsonToken.FIELD_NAME) {
            return Optional.empty();
        }
        Located key = new Located(parser.currentName(), parser.currentTokenLocation());
        if (!seen.add(key.text())) {
            throw mistake(key.where(), "'" + key.text() + "' is given twice" + twice);
        }
        parser.nextToken();
        return Optional.of(key);
    }

    /** A list of strings, the parser on its opening bracket; each string with where it stands. */
    private List<Located> readStrings(String what) throws IOException {
        expect(JsonToken.START_ARRAY, what + " must be a list, as in [a, b]");
        List<Located> values = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token != JsonToken.VALUE_STRING) {
                throw mistake(parser.currentTokenLocation(), what + " must hold strings, but one is " + kind(token)
                        + (token.isScalarValue() ? "; quote it" : ""));
            }
            values.add(new Located(parser.getText(), parser.currentTokenLocation()));
        }
        return values;
    }

    private boolean readBoolean(String key) {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
            throw mistake(parser.currentTokenLocation(), "'" + key + "' must be true or false, not " + kind(token));
        }
        return token == JsonToken.VALUE_TRUE;
    }

    private void expect(JsonToken expected, String message) {
        JsonToken token = parser.currentToken();
        if (token != expected) {
            throw mistake(parser.currentTokenLocation(), message + "; found " + kind(token));
        }
    }

    private static String kind(JsonToken token) {
        if (token == null) {
            return "the end of the file";
        }
        return switch (token) {
            case START_OBJECT -> "a mapping";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "nothing (null)";
            default -> token.toString();
        };
    }

    /** Runs a check that throws {@link IllegalArgumentException} and puts the file and line in its message. */
    private <T> T checked(JsonLocation where, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw mistake(where, e.getMessage());
        }
    }

    private IllegalArgumentException mistake(JsonLocation where, String what) {
        return mistake(file, where, what);
    }

    private static IllegalArgumentException mistake(Path file, JsonLocation where, String what) {
        boolean known = where != null && where.getLineNr() > 0;
        return new IllegalArgumentException(file + (known ? ":" + where.getLineNr() + ":" + where.getColumnNr() : "")
                + ": " + what);
    }

    /** A string of the file and where it stands. */
    private record Located(String text, JsonLocation where) {
    }
}
