package dev.wharf.spring.boot.security;

import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.RepositoryName;
import dev.wharf.spring.boot.WharfProperties;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What {@link SpringSecurityAuthorizer} lets anonymous and authenticated callers do, rule by rule. */
class SpringSecurityAuthorizerTest {
    private static final RepositoryName TEAM = RepositoryName.of("team/app");
    private static final RepositoryName PUBLIC = RepositoryName.of("public/base");

    private static Caller user(String name, String... authorities) {
        return Caller.of(UsernamePasswordAuthenticationToken.authenticated(name, "n/a",
                AuthorityUtils.createAuthorityList(authorities)));
    }

    private static WharfProperties.Security security(List<String> anonymousPull, WharfProperties.Rule... rules) {
        WharfProperties.Security security = new WharfProperties.Security();
        security.setAnonymousPull(anonymousPull);
        security.setRules(List.of(rules));
        return security;
    }

    private static WharfProperties.Rule rule(String authority, String repositories, String... actions) {
        WharfProperties.Rule rule = new WharfProperties.Rule();
        rule.setAuthority(authority);
        rule.setRepositories(List.of(repositories));
        rule.setActions(List.of(actions));
        return rule;
    }

    @Test
    void shouldLetAnonymousCallersPullOnlyWhatAnonymousPullNames() {
        SpringSecurityAuthorizer authorizer = new SpringSecurityAuthorizer(security(List.of("public/**")));
        Caller anonymous = Caller.anonymous();
        assertThat(authorizer.permits(anonymous, Action.PULL, PUBLIC)).isTrue();
        assertThat(authorizer.permits(anonymous, Action.CATALOG, PUBLIC)).isTrue();
        assertThat(authorizer.permits(anonymous, Action.PUSH, PUBLIC)).isFalse();
        assertThat(authorizer.permits(anonymous, Action.PULL, TEAM)).isFalse();
        Caller springAnonymous = Caller.of(new AnonymousAuthenticationToken("key", "anonymousUser",
                AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
        assertThat(authorizer.permits(springAnonymous, Action.PUSH, PUBLIC)).isFalse();
        assertThat(authorizer.admitsAnonymousPull()).isTrue();
    }

    @Test
    void shouldLetABearerTokenDoExactlyWhatItGrants() {
        SpringSecurityAuthorizer authorizer = new SpringSecurityAuthorizer(security(List.of("public/**")));
        Caller token = Caller.of(new dev.wharf.servlet.auth.TokenPrincipal("alice", dev.wharf.servlet.auth.Grants.of(
                List.of(dev.wharf.servlet.auth.Scope.repository("team/app", "pull", "push")))));
        assertThat(authorizer.permits(token, Action.PUSH, TEAM)).isTrue();
        assertThat(authorizer.permits(token, Action.DELETE, TEAM)).as("not in the token").isFalse();
        assertThat(authorizer.permits(token, Action.PUSH, PUBLIC)).isFalse();
        assertThat(authorizer.permits(token, Action.PULL, PUBLIC)).as("what anyone may pull").isTrue();
    }

    @Test
    void shouldLetEveryUserDoEverythingWithoutRules() {
        SpringSecurityAuthorizer authorizer = new SpringSecurityAuthorizer(security(List.of()));
        assertThat(authorizer.permits(user("alice"), Action.DELETE, TEAM)).isTrue();
        assertThat(authorizer.permits(Caller.anonymous(), Action.PULL, TEAM)).isFalse();
    }

    @Test
    void shouldGrantWhatTheRulesOfACallersAuthoritiesGrant() {
        SpringSecurityAuthorizer authorizer = new SpringSecurityAuthorizer(security(List.of(),
                rule("ROLE_PUSHER", "team/**", "*"), rule("authenticated", "**", "pull")));
        assertThat(authorizer.permits(user("alice", "ROLE_PUSHER"), Action.PUSH, TEAM)).isTrue();
        assertThat(authorizer.permits(user("alice", "ROLE_PUSHER"), Action.PUSH, PUBLIC)).isFalse();
        assertThat(authorizer.permits(user("bob", "ROLE_READER"), Action.PUSH, TEAM)).isFalse();
        assertThat(authorizer.permits(user("bob", "ROLE_READER"), Action.PULL, PUBLIC)).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> new SpringSecurityAuthorizer(security(List.of(),
                rule("x", "**", "write")))).withMessageContaining("unknown action 'write'");
    }

    @Test
    void shouldRecogniseOnlyAnEmptyUserAndPasswordAsNoCredentials() {
        assertThat(EmptyBasicCredentialsFilter.isEmptyBasic("Basic Og==")).isTrue();
        assertThat(EmptyBasicCredentialsFilter.isEmptyBasic("basic Og==")).isTrue();
        assertThat(EmptyBasicCredentialsFilter.isEmptyBasic("Basic YWxpY2U6")).isFalse(); // "alice:"
        assertThat(EmptyBasicCredentialsFilter.isEmptyBasic("Bearer Og==")).isFalse();
        assertThat(EmptyBasicCredentialsFilter.isEmptyBasic("Basic !!")).isFalse();
        assertThat(EmptyBasicCredentialsFilter.isEmptyBasic(null)).isFalse();
    }
}
