package dev.wharf.core.access;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryGlob;
import dev.wharf.api.RepositoryName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.security.Principal;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static dev.wharf.api.Action.CATALOG;
import static dev.wharf.api.Action.DELETE;
import static dev.wharf.api.Action.PULL;
import static dev.wharf.api.Action.PUSH;
import static dev.wharf.core.access.Subject.anonymous;
import static dev.wharf.core.access.Subject.authenticated;
import static dev.wharf.core.access.Subject.everyone;
import static dev.wharf.core.access.Subject.group;
import static dev.wharf.core.access.Subject.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessPolicyTest {
    private static final AccessPolicy POLICY = AccessPolicy.builder()
            .group("devs", "alice", "bob")
            .group("ops", "carol", "alice")
            .allow(group("devs"), "team/**", PULL, PUSH)
            .allow(user("carol"), "team/**", DELETE)
            .allow(group("ops"), "ops/*", Action.values())
            .allow(authenticated(), "shared/*", PULL)
            .allow(everyone(), "docs", PULL, CATALOG)
            .anonymousPull("public/**")
            .build();

    private static Caller as(String name) {
        return Caller.of((Principal) () -> name);
    }

    static Stream<Arguments> decisions() {
        Caller anonymous = Caller.anonymous();
        return Stream.of(
                // a group's rule covers each member, and only members
                Arguments.of(as("alice"), PUSH, "team/app", true),
                Arguments.of(as("bob"), PULL, "team/a/b", true),
                Arguments.of(as("bob"), DELETE, "team/app", false),
                Arguments.of(as("dave"), PULL, "team/app", false),
                Arguments.of(as("alice"), PULL, "team", false),
                // a user's own rule adds to the groups' (carol is in ops, not devs)
                Arguments.of(as("carol"), DELETE, "team/app", true),
                Arguments.of(as("carol"), PUSH, "team/app", false),
                // a user in several groups gets every group's rules
                Arguments.of(as("alice"), DELETE, "ops/db", true),
                Arguments.of(as("bob"), PULL, "ops/db", false),
                Arguments.of(as("alice"), DELETE, "ops/db/x", false),
                // authenticated: any principal, never the anonymous caller
                Arguments.of(as("dave"), PULL, "shared/lib", true),
                Arguments.of(as("dave"), PUSH, "shared/lib", false),
                Arguments.of(anonymous, PULL, "shared/lib", false),
                // everyone: both
                Arguments.of(anonymous, CATALOG, "docs", true),
                Arguments.of(as("dave"), PULL, "docs", true),
                Arguments.of(as("dave"), PUSH, "docs", false),
                // anonymous pull: pull and catalog, nothing else, and not to a logged-in caller
                Arguments.of(anonymous, PULL, "public/x/y", true),
                Arguments.of(anonymous, CATALOG, "public/x", true),
                Arguments.of(anonymous, PUSH, "public/x", false),
                Arguments.of(as("alice"), PULL, "public/x", false),
                // deny by default
                Arguments.of(anonymous, PULL, "team/app", false),
                Arguments.of(as("alice"), PULL, "elsewhere", false));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} -> {3}")
    @MethodSource("decisions")
    void shouldDecideByTheRulesWhenAsked(Caller caller, Action action, String repository, boolean expected) {
        RepositoryName name = RepositoryName.of(repository);
        assertThat(POLICY.permits(caller, action, name)).isEqualTo(expected);
        assertThat(POLICY.allowingRule(caller, action, name).isPresent()).as("allowingRule agrees").isEqualTo(expected);
    }

    @Test
    void shouldNameTheRuleThatAllowedWhenExplaining() {
        assertThat(POLICY.allowingRule(as("carol"), DELETE, RepositoryName.of("team/app")))
                .hasValueSatisfying(rule -> assertThat(rule.toString())
                        .isEqualTo("allow delete on team/** to user:carol"));
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void shouldRefuseEveryoneWhenThePolicyHasNoRules(Action action) {
        AccessPolicy empty = AccessPolicy.builder().group("devs", "alice").build();
        assertThat(empty.permits(as("alice"), action, RepositoryName.of("a"))).isFalse();
        assertThat(empty.permits(Caller.anonymous(), action, RepositoryName.of("a"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void shouldAllowOnlyLoggedInCallersWhenAllowingAllAuthenticated(Action action) {
        AccessPolicy policy = AccessPolicy.allowAllAuthenticated();
        assertThat(policy.permits(as("anyone"), action, RepositoryName.of("any/thing"))).isTrue();
        assertThat(policy.permits(Caller.anonymous(), action, RepositoryName.of("any/thing"))).isFalse();
    }

    @Test
    void shouldAddAnonymousPullToABuiltPolicyWithoutChangingIt() {
        AccessPolicy base = AccessPolicy.allowAllAuthenticated();
        AccessPolicy open = base.toBuilder().anonymousPull("library/*").build();
        RepositoryName ubuntu = RepositoryName.of("library/ubuntu");
        assertThat(open.permits(Caller.anonymous(), PULL, ubuntu)).isTrue();
        assertThat(open.permits(Caller.anonymous(), CATALOG, ubuntu)).isTrue();
        assertThat(open.permits(Caller.anonymous(), PUSH, ubuntu)).isFalse();
        assertThat(open.permits(Caller.anonymous(), PULL, RepositoryName.of("library/a/b"))).isFalse();
        assertThat(open.permits(as("alice"), DELETE, ubuntu)).isTrue();
        assertThat(base.permits(Caller.anonymous(), PULL, ubuntu)).as("the base policy is unchanged").isFalse();
        assertThat(open.rules()).hasSize(2);
    }

    @Test
    void shouldKeepTheBuiltPolicyWhenTheBuilderChangesAfterwards() {
        AccessPolicy.Builder builder = AccessPolicy.builder().group("devs", "alice").allow(group("devs"), "a", PULL);
        AccessPolicy built = builder.build();
        builder.group("devs", "bob").allow(user("bob"), "b", PULL);
        assertThat(built.permits(as("bob"), PULL, RepositoryName.of("a"))).isFalse();
        assertThat(built.groups()).containsExactly(java.util.Map.entry("devs", Set.of("alice")));
        assertThat(built.rules()).hasSize(1);
        assertThat(builder.build().permits(as("bob"), PULL, RepositoryName.of("a"))).isTrue();
    }

    @Test
    void shouldMergeMembersWhenAGroupIsDefinedTwice() {
        AccessPolicy policy = AccessPolicy.builder().group("devs", "alice").group("devs", "bob")
                .allow(group("devs"), "a", PULL).build();
        assertThat(policy.groups().get("devs")).containsExactly("alice", "bob");
        assertThat(policy.permits(as("bob"), PULL, RepositoryName.of("a"))).isTrue();
    }

    @Test
    void shouldRefuseToBuildWhenARuleNamesAnUndefinedGroup() {
        AccessPolicy.Builder builder = AccessPolicy.builder().group("devs", "alice").allow(group("ops"), "a", PULL);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group 'ops', which is not defined").hasMessageContaining("[devs]");
    }

    @Test
    void shouldRefuseARuleWhenItAllowsNoAction() {
        assertThatThrownBy(() -> AccessPolicy.builder().allow(user("alice"), "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allows no action");
    }

    @Test
    void shouldRefuseARuleWhenItsGlobIsInvalid() {
        assertThatThrownBy(() -> AccessPolicy.builder().allow(user("alice"), "Team/*", PULL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid repository glob 'Team/*'");
    }

    @ParameterizedTest
    @MethodSource("blankNames")
    void shouldRefuseBlankNamesWhenDefiningSubjectsAndGroups(String blank) {
        assertThatThrownBy(() -> user(blank)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> group(blank)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AccessPolicy.builder().group(blank)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AccessPolicy.builder().group("devs", "alice", blank))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user name must not be empty");
    }

    static Stream<String> blankNames() {
        return Stream.of(null, "", "  ");
    }

    static Stream<Arguments> actionNames() {
        return Stream.of(
                Arguments.of(List.of("pull"), EnumSet.of(PULL)),
                Arguments.of(List.of("push", "delete"), EnumSet.of(PUSH, DELETE)),
                Arguments.of(List.of("catalog", "pull", "pull"), EnumSet.of(PULL, CATALOG)),
                Arguments.of(List.of("*"), EnumSet.allOf(Action.class)),
                Arguments.of(List.of("pull", "*"), EnumSet.allOf(Action.class)));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("actionNames")
    void shouldReadActionNamesWhenTheyAreKnown(List<String> names, Set<Action> expected) {
        assertThat(AccessPolicy.actionsNamed(names)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("unknownActionNames")
    void shouldRefuseActionNamesWhenUnknownOrMissing(List<String> names, String messagePart) {
        assertThatThrownBy(() -> AccessPolicy.actionsNamed(names)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart).hasMessageContaining("pull, push, delete, catalog or '*'");
    }

    static Stream<Arguments> unknownActionNames() {
        return Stream.of(
                Arguments.of(List.of("pul"), "unknown action 'pul'"),
                Arguments.of(List.of("PULL"), "unknown action 'PULL'"),
                Arguments.of(List.of("pull", "all"), "unknown action 'all'"),
                Arguments.of(List.of(), "no action is named"));
    }

    @Test
    void shouldWriteSubjectsAsTheirKindAndName() {
        assertThat(List.of(user("alice"), group("devs"), anonymous(), authenticated(), everyone()))
                .extracting(Subject::toString)
                .containsExactly("user:alice", "group:devs", "anonymous", "authenticated", "everyone");
        assertThat(user("devs")).isNotEqualTo(group("devs")).isEqualTo(user("devs")).hasSameHashCodeAs(user("devs"));
    }

    @Test
    void shouldShowGroupsAndAFewRulesWhenLogged() {
        AccessPolicy.Builder builder = AccessPolicy.builder().group("devs", "alice");
        for (int i = 0; i < 25; i++) {
            builder.allow(user("u" + i), "r" + i + "/**", PULL);
        }
        String logged = builder.build().toString();
        assertThat(logged).startsWith("AccessPolicy[groups {devs=[alice]}; 25 rules: allow pull on r0/** to user:u0; ")
                .contains("to user:u19;").doesNotContain("user:u20").endsWith("... 5 more]");
    }

    /**
     * Property: over a thousand random rules and many random questions, the indexed answer of {@code permits}
     * is the one the plain reading of the rules ({@code allowingRule}) gives, and both answers occur. Most
     * globs begin with a team's name, as in a real policy, a few with a wildcard.
     */
    @Test
    void shouldAgreeWithThePlainReadingOfTheRulesWhenTheRulesAreMany() {
        Random random = new Random(13);
        int users = 20;
        int teams = 40;
        String[] inside = {"a", "b", "c", "*", "?", "**"};
        String[] wildcardFirst = {"*", "team1*", "team?"};
        AccessPolicy.Builder builder = AccessPolicy.builder().group("g0", "u0", "u1").group("g1", "u1", "u2")
                .group("g2");
        for (int i = 0; i < 1_000; i++) {
            int kind = random.nextInt(20);
            Subject subject = kind < 14 ? user("u" + random.nextInt(users + 1)) // one of them never asks
                    : kind < 18 ? group("g" + random.nextInt(3))
                    : kind == 18 ? anonymous()
                    : random.nextBoolean() ? authenticated() : everyone();
            String first = random.nextInt(10) == 0 ? wildcardFirst[random.nextInt(wildcardFirst.length)]
                    : "team" + random.nextInt(teams);
            Action action = Action.values()[random.nextInt(Action.values().length)];
            builder.allow(subject, RepositoryGlob.parse(first + "/" + path(random, inside)), EnumSet.of(action));
        }
        AccessPolicy policy = builder.build();
        String[] components = {"a", "b", "c"};
        int allowed = 0;
        int asked = 20_000;
        for (int i = 0; i < asked; i++) {
            int who = random.nextInt(users + 1);
            Caller caller = who == users ? Caller.anonymous() : as("u" + who);
            Action action = Action.values()[random.nextInt(Action.values().length)];
            RepositoryName name = RepositoryName.of("team" + random.nextInt(teams) + "/" + path(random, components));
            boolean permits = policy.permits(caller, action, name);
            assertThat(permits).as("%s %s %s", caller.principal().map(Principal::getName), action, name)
                    .isEqualTo(policy.allowingRule(caller, action, name).isPresent());
            allowed += permits ? 1 : 0;
        }
        assertThat(allowed).as("both answers occur").isBetween(asked / 20, asked - asked / 20);
    }

    private static String path(Random random, String[] parts) {
        StringBuilder path = new StringBuilder(parts[random.nextInt(parts.length)]);
        for (int depth = random.nextInt(2); depth > 0; depth--) {
            path.append('/').append(parts[random.nextInt(parts.length)]);
        }
        return path.toString();
    }

    @Test
    void shouldSayWhetherAnyRuleAllowsAnonymousCallers() {
        assertThat(AccessPolicy.allowAllAuthenticated().allowsAnonymous()).isFalse();
        assertThat(AccessPolicy.builder().allow(Subject.user("alice"), "**", PULL).build().allowsAnonymous()).isFalse();
        assertThat(AccessPolicy.allowAllAuthenticated().toBuilder().anonymousPull("public/**").build()
                .allowsAnonymous()).isTrue();
        assertThat(AccessPolicy.builder().allow(Subject.everyone(), "docs/*", PULL).build().allowsAnonymous()).isTrue();
    }
}
