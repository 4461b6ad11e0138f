package dev.wharf.testing.launcher;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryName;
import dev.wharf.core.access.AccessPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
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

class AccessPolicyFileTest {
    @TempDir
    Path directory;

    private Path write(String content) throws IOException {
        return Files.writeString(directory.resolve("access.yaml"), content);
    }

    private static Caller as(String name) {
        return Caller.of((Principal) () -> name);
    }

    @Test
    void shouldReadEveryPartWhenTheFileIsValid() throws IOException {
        Path file = write("""
                # who may do what
                access:
                  - users: [alice]
                    groups: [devs]
                    repositories: ["team/**", "shared/*"]
                    actions: [pull, push]
                  - users: [carol]
                    repositories: [team/**]
                    actions: ["*"]
                  - anonymous: true
                    repositories: ["public/**"]
                    actions: [pull, catalog]
                  - authenticated: true
                    anonymous: false
                    repositories: ["**"]
                    actions: [catalog]
                  - anonymous: true
                    authenticated: true
                    repositories: [docs]
                    actions: [pull]
                groups:
                  devs: [alice, bob]
                  ops: []
                """);

        AccessPolicy policy = AccessPolicyFile.read(file);

        assertThat(policy).isEqualTo(AccessPolicy.builder()
                .group("devs", "alice", "bob")
                .group("ops")
                .allow(user("alice"), "team/**", PULL, PUSH)
                .allow(user("alice"), "shared/*", PULL, PUSH)
                .allow(group("devs"), "team/**", PULL, PUSH)
                .allow(group("devs"), "shared/*", PULL, PUSH)
                .allow(user("carol"), "team/**", Action.values())
                .allow(anonymous(), "public/**", PULL, CATALOG)
                .allow(authenticated(), "**", CATALOG)
                .allow(everyone(), "docs", PULL)
                .build());
        assertThat(policy.permits(as("bob"), PUSH, RepositoryName.of("shared/lib"))).isTrue();
        assertThat(policy.permits(as("bob"), DELETE, RepositoryName.of("team/app"))).isFalse();
        assertThat(policy.permits(as("carol"), DELETE, RepositoryName.of("team/app"))).isTrue();
        assertThat(policy.permits(Caller.anonymous(), PULL, RepositoryName.of("docs"))).isTrue();
        assertThat(policy.permits(Caller.anonymous(), PULL, RepositoryName.of("team/app"))).isFalse();
    }

    @Test
    void shouldReadJsonWhenTheFileIsJson() throws IOException {
        Path file = write("""
                {"groups": {"devs": ["alice"]},
                 "access": [{"groups": ["devs"], "repositories": ["team/**"], "actions": ["pull"]}]}
                """);
        assertThat(AccessPolicyFile.read(file)).isEqualTo(AccessPolicy.builder().group("devs", "alice")
                .allow(group("devs"), "team/**", PULL).build());
    }

    @Test
    void shouldReadAPolicyThatRefusesEverythingWhenTheRulesAreAnEmptyList() throws IOException {
        AccessPolicy policy = AccessPolicyFile.read(write("access: []\n"));
        assertThat(policy.rules()).isEmpty();
        assertThat(policy.permits(as("alice"), PULL, RepositoryName.of("a"))).isFalse();
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("acces: []\n", 1, "unknown key 'acces'; expected 'groups' or 'access'"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            repos: [a]
                            actions: [pull]
                        """, 3, "unknown key 'repos' in a rule; expected one of users, groups"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            repositories: [a]
                            actions: [pull, pul]
                        """, 4, "unknown action 'pul'; expected pull, push, delete, catalog or '*'"),
                Arguments.of("""
                        groups:
                          devs: [alice]
                        access:
                          - groups: [devs, ops]
                            repositories: [a]
                            actions: [pull]
                        """, 4, "group 'ops' is not defined under 'groups' (defined: [devs])"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            repositories: []
                            actions: [pull]
                        """, 2, "the rule's 'repositories' is empty"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            actions: [pull]
                        """, 2, "the rule has no 'repositories'"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            repositories: [a]
                            actions: []
                        """, 2, "the rule's 'actions' is empty"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            repositories: [a]
                        """, 2, "the rule has no 'actions'"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            repositories: [ok, Team/*]
                            actions: [pull]
                        """, 3, "invalid repository glob 'Team/*': repository names are lowercase"),
                Arguments.of("""
                        access:
                          - repositories: [a]
                            actions: [pull]
                        """, 2, "the rule is for no one"),
                Arguments.of("""
                        access:
                          - anonymous: false
                            users: []
                            repositories: [a]
                            actions: [pull]
                        """, 2, "the rule is for no one"),
                Arguments.of("""
                        access:
                          - users: alice
                            repositories: [a]
                            actions: [pull]
                        """, 2, "'users' must be a list, as in [a, b]; found a string"),
                Arguments.of("""
                        access:
                          - users: [alice, 42]
                            repositories: [a]
                            actions: [pull]
                        """, 2, "'users' must hold strings, but one is a number; quote it"),
                Arguments.of("""
                        access:
                          - users: ['']
                            repositories: [a]
                            actions: [pull]
                        """, 2, "a user name must not be empty"),
                Arguments.of("""
                        access:
                          - anonymous: maybe
                            repositories: [a]
                            actions: [pull]
                        """, 2, "'anonymous' must be true or false, not a string"),
                Arguments.of("""
                        access:
                          - users: [alice]
                            users: [bob]
                            repositories: [a]
                            actions: [pull]
                        """, 3, "'users' is given twice in this rule"),
                Arguments.of("""
                        access:
                          - anonymous: false
                            anonymous: true
                            repositories: [a]
                            actions: [pull]
                        """, 3, "'anonymous' is given twice in this rule"),
                Arguments.of("groups: [devs]\naccess: []\n", 1, "'groups' must be a mapping"),
                Arguments.of("groups:\n  devs: [a]\n  devs: [b]\naccess: []\n", 3,
                        "'devs' is given twice under 'groups'"),
                Arguments.of("access:\n  users: [alice]\n", 2, "'access' must be a list of rules"),
                Arguments.of("access:\n  - pull\n", 2, "a rule must be a mapping"),
                Arguments.of("access: []\naccess: []\n", 2, "'access' is given twice"),
                Arguments.of("groups: {}\n", 1, "there is no 'access' list"),
                Arguments.of("- access: []\n", 1, "the top level must be a mapping"),
                Arguments.of("access: []\n---\naccess: []\n", 3, "only one YAML document"),
                Arguments.of("access: [\n", 2, "not valid YAML"),
                Arguments.of("access:\n\t- users: [a]\n", 2, "not valid YAML"));
    }

    @ParameterizedTest(name = "[{index}] line {1}: {2}")
    @MethodSource("mistakes")
    void shouldNameTheFileTheLineAndTheMistakeWhenTheFileIsWrong(String content, int line, String mistake)
            throws IOException {
        Path file = write(content);
        assertThatThrownBy(() -> AccessPolicyFile.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ":" + line + ":")
                .hasMessageContaining(mistake);
    }

    @Test
    void shouldPointAtTheColumnOfTheWrongValueWhenAListItemIsWrong() throws IOException {
        Path file = write("""
                access:
                  - users: [alice]
                    repositories: [a]
                    actions: [pull, pul]
                """);
        assertThatThrownBy(() -> AccessPolicyFile.read(file)).hasMessageStartingWith(file + ":4:21: unknown action");
    }

    @Test
    void shouldSayTheFileIsEmptyWhenItIs() throws IOException {
        Path file = write("# nothing yet\n");
        assertThatThrownBy(() -> AccessPolicyFile.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining("the file is empty");
    }

    @Test
    void shouldNameTheFileWhenItCannotBeRead() {
        Path missing = directory.resolve("missing.yaml");
        assertThatThrownBy(() -> AccessPolicyFile.read(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(missing + ": cannot read the access policy");
    }
}
