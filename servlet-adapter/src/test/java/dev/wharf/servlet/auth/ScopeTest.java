package dev.wharf.servlet.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScopeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "repository:team/app:pull,push | repository | team/app | pull,push",
            "repository:a:pull              | repository | a        | pull",
            "registry:catalog:*             | registry   | catalog  | *",
            "repository(plugin):x/y:pull    | repository(plugin) | x/y | pull",
            "repository:localhost:5000/a:pull | repository | localhost:5000/a | pull"})
    void shouldParseAndPrintTheTokenFlowForm(String text, String type, String name, String actions) {
        Scope scope = Scope.parse(text);
        assertThat(scope.type()).isEqualTo(type);
        assertThat(scope.name()).isEqualTo(name);
        assertThat(String.join(",", scope.actions())).isEqualTo(actions);
        assertThat(scope.toString()).isEqualTo(text);
    }

    @Test
    void shouldAskForNothingWhenActionsAreEmpty() {
        assertThat(Scope.parse("repository:a:").actions()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "repository", "repository:a", ":a:pull", "repository::pull", "repository:a:pu ll",
            "Repo Sitory:a:pull", "repository:a:pull;rm"})
    void shouldRefuseMalformedScopes(String text) {
        assertThatThrownBy(() -> Scope.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSplitSpaceSeparatedScopes() {
        assertThat(Scope.parseAll(" repository:a:pull  repository:b:push ").stream().map(Scope::toString))
                .containsExactly("repository:a:pull", "repository:b:push");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "repository:a:pull,push | repository:a:pull      | true",
            "repository:a:pull,push | repository:a:push,pull | true",
            "repository:a:pull      | repository:a:pull,push | false",
            "repository:a:*         | repository:a:delete    | true",
            "repository:a:pull      | repository:b:pull      | false",
            "repository:a:pull      | registry:a:pull        | false",
            "registry:catalog:*     | registry:catalog:*     | true",
            "repository:a:          | repository:a:pull      | false",
            "repository:ab:pull     | repository:a:pull      | false"})
    void shouldCoverOnlyTheSameResourceWithEveryAction(String granted, String needed, boolean covers) {
        assertThat(Scope.parse(granted).covers(Scope.parse(needed))).isEqualTo(covers);
    }

    @Test
    void shouldGrantOnlyWhatAGrantCovers() {
        Grants grants = Grants.of(List.of(Scope.parse("repository:a:pull"), Scope.parse("repository:b:pull,push")));
        assertThat(grants.coversAll(List.of(Scope.parse("repository:a:pull"), Scope.parse("repository:b:push"))))
                .isTrue();
        assertThat(grants.coversAll(List.of(Scope.parse("repository:a:push")))).isFalse();
        assertThat(grants.coversAll(List.of())).isTrue();
        assertThat(Grants.of(List.of()).covers(Scope.CATALOG)).isFalse();
        assertThat(Grants.unlimited().covers(Scope.parse("repository:anything:delete"))).isTrue();
    }
}
