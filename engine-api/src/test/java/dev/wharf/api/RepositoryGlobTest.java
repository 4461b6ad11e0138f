package dev.wharf.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryGlobTest {

    static Stream<Arguments> decisions() {
        return Stream.of(
                // literal
                Arguments.of("library/ubuntu", "library/ubuntu", true),
                Arguments.of("library/ubuntu", "library/ubuntu2", false),
                Arguments.of("library/ubuntu", "library", false),
                // '*' stays within one component
                Arguments.of("team/*", "team/a", true),
                Arguments.of("team/*", "team/a/b", false),
                Arguments.of("team/*", "team", false),
                Arguments.of("team/a*", "team/a", true),
                Arguments.of("team/a*", "team/abc", true),
                Arguments.of("team/a*", "team/ba", false),
                Arguments.of("*", "app", true),
                Arguments.of("*", "x/app", false),
                Arguments.of("*-cache", "maven-cache", true),
                Arguments.of("*-cache", "maven-cache/x", false),
                Arguments.of("a*b*c", "axbyc", true),
                Arguments.of("a*b*c", "abbc", true),
                Arguments.of("a*b*c", "acb", false),
                // '?' is exactly one character, never '/'
                Arguments.of("app?", "app1", true),
                Arguments.of("app?", "app", false),
                Arguments.of("app?", "app12", false),
                Arguments.of("a?b", "a/b", false),
                // a trailing '**' is everything inside, not the name itself
                Arguments.of("team/**", "team/a", true),
                Arguments.of("team/**", "team/a/b", true),
                Arguments.of("team/**", "team", false),
                Arguments.of("team/**", "teams/a", false),
                Arguments.of("team/**/**", "team", false),
                // a leading or middle '**' is zero or more components
                Arguments.of("**/app", "app", true),
                Arguments.of("**/app", "x/y/app", true),
                Arguments.of("**/app", "x/app2", false),
                Arguments.of("a/**/b", "a/b", true),
                Arguments.of("a/**/b", "a/x/y/b", true),
                Arguments.of("a/**/b", "a/x/y/c", false),
                Arguments.of("a/**/b", "b", false),
                Arguments.of("**/b/**", "b", false),
                Arguments.of("**/b/**", "x/b/y", true),
                Arguments.of("**/b/*", "a/b/b/c", true),
                // '**' alone is every name
                Arguments.of("**", "a", true),
                Arguments.of("**", "a/b/c", true),
                Arguments.of("**/**", "a", true),
                // '**' must give back components it took
                Arguments.of("**/a/b", "a/a/a/b", true),
                Arguments.of("**/a/*/c", "a/a/b/a/x/c", true),
                Arguments.of("**/a/*/c", "a/a/b/a/x/d", false));
    }

    @ParameterizedTest(name = "[{index}] {0} ~ {1} -> {2}")
    @MethodSource("decisions")
    void shouldMatchAsDocumentedWhenGivenTheTable(String glob, String name, boolean expected) {
        assertThat(RepositoryGlob.parse(glob).matches(RepositoryName.of(name))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
        "team/**,        team/**",
        "**/**,          **",
        "a/**/**/**/b,   a/**/b",
        "team/**/**,     team/**",
        "*/*,            */*"})
    void shouldWriteTheCanonicalFormWhenParsed(String glob, String canonical) {
        RepositoryGlob parsed = RepositoryGlob.parse(glob);
        assertThat(parsed.toString()).isEqualTo(canonical);
        assertThat(RepositoryGlob.parse(parsed.toString())).isEqualTo(parsed).hasSameHashCodeAs(parsed);
    }

    @Test
    void shouldTellGlobsApartWhenTheyDiffer() {
        assertThat(RepositoryGlob.parse("team/*")).isNotEqualTo(RepositoryGlob.parse("team/**"));
    }

    static Stream<Arguments> badGlobs() {
        return Stream.of(
                Arguments.of(null, "empty"),
                Arguments.of("", "empty"),
                Arguments.of("Team/**", "lowercase"),
                Arguments.of("team/a b", "' ' at position 7 is not allowed"),
                Arguments.of("team/[ab]", "'[' at position 6 is not allowed"),
                Arguments.of("/team", "component is empty"),
                Arguments.of("team/", "component is empty"),
                Arguments.of("team//a", "component is empty"),
                Arguments.of("team/a**", "'**' must be a whole component"),
                Arguments.of("***", "'**' must be a whole component"),
                Arguments.of("a".repeat(256), "at most 255"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("badGlobs")
    void shouldRefuseBadGlobWithMessageWhenParsed(String glob, String messagePart) {
        assertThatThrownBy(() -> RepositoryGlob.parse(glob))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid repository glob")
                .hasMessageContaining(messagePart);
    }

    @Test
    void shouldAnswerPathologicalCharacterPatternsCorrectlyWhenTheNameIsLong() {
        RepositoryGlob glob = RepositoryGlob.parse("*a*a*a*a*a*a*a*a*a*a*a*b");
        String as = "a".repeat(RepositoryName.MAX_LENGTH - 1);
        assertThat(glob.matches(RepositoryName.of(as + "c"))).isFalse();
        assertThat(glob.matches(RepositoryName.of(as + "b"))).isTrue();
    }

    @Test
    void shouldAnswerPathologicalComponentPatternsCorrectlyWhenTheNameIsDeep() {
        RepositoryGlob glob = RepositoryGlob.parse("**/a/**/a/**/a/**/a/**/a/**/b");
        String deep = "a/".repeat(RepositoryName.MAX_LENGTH / 2 - 1);
        assertThat(glob.matches(RepositoryName.of(deep + "c"))).isFalse();
        assertThat(glob.matches(RepositoryName.of(deep + "b"))).isTrue();
    }

    /**
     * Property: on random small globs and names, the matcher agrees with a regular expression written
     * straight from the documented rules. A fixed seed keeps a failure reproducible; the message shows the
     * pair.
     */
    @Test
    void shouldAgreeWithTheDocumentedRulesWhenGivenRandomGlobsAndNames() {
        Random random = new Random(13);
        String[] globParts = {"a", "b", "ab", "a-b", "*", "?", "**", "a*", "*b", "?b", "a?", "*a*", "**", "**"};
        String[] nameParts = {"a", "b", "ab", "ba", "aab", "a-b", "bb"};
        int matched = 0;
        for (int round = 0; round < 20_000; round++) {
            String glob = join(random, globParts);
            String name = join(random, nameParts);
            boolean expected = documentedRules(glob).matcher(name).matches();
            assertThat(RepositoryGlob.parse(glob).matches(RepositoryName.of(name)))
                    .as("%s ~ %s", glob, name).isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        assertThat(matched).as("the generator makes both answers").isBetween(1_000, 19_000);
    }

    private static String join(Random random, String[] parts) {
        List<String> chosen = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            chosen.add(parts[random.nextInt(parts.length)]);
        }
        return String.join("/", chosen);
    }

    /** The Javadoc's rules as a regular expression, component by component. */
    private static Pattern documentedRules(String glob) {
        String[] components = glob.split("/");
        StringBuilder regex = new StringBuilder();
        boolean separatorNeeded = false;
        for (int i = 0; i < components.length; i++) {
            String component = components[i];
            boolean last = i == components.length - 1;
            if (separatorNeeded) {
                regex.append('/');
            }
            separatorNeeded = true;
            if (component.equals("**") && last) {
                regex.append("[^/]+(?:/[^/]+)*"); // one or more components
            } else if (component.equals("**")) {
                regex.append("(?:[^/]+/)*"); // zero or more, each with its slash
                separatorNeeded = false;
            } else {
                for (char c : component.toCharArray()) {
                    regex.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : Pattern.quote(String.valueOf(c)));
                }
            }
        }
        return Pattern.compile(regex.toString());
    }
}
