package dev.wharf.servlet;

import dev.wharf.api.Registry;
import dev.wharf.servlet.auth.Authenticator;
import dev.wharf.servlet.auth.BasicAuthenticator;
import dev.wharf.servlet.auth.LoginThrottle;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static dev.wharf.servlet.LoginFixtures.POLICY;
import static dev.wharf.servlet.LoginFixtures.basic;
import static dev.wharf.servlet.LoginFixtures.normalized;
import static dev.wharf.servlet.LoginFixtures.users;
import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password logins on every container: when {@code GET /v2/} challenges, what counts as no credentials, answers
 * that do not tell a wrong password from an unknown user, and the lock after repeated failures.
 */
class BasicLoginHttpTest {

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldChallengeTheBaseEndpointOnlyWhenAnonymousCallersAreNotAdmitted(ContainerUnderTest container)
            throws Exception {
        for (boolean admit : new boolean[] {true, false}) {
            Authenticator basic = BasicAuthenticator.builder(users()).realm("team \"registry\"").admitAnonymous(admit)
                    .build();
            try (RegistryServer server = container.startSecured(Registry.builder().authorizer(POLICY).build(), basic,
                    null)) {
                RegistryHttp http = new RegistryHttp(server.baseUri());
                Response base = http.get("/v2/");
                if (admit) {
                    assertStatus(base, 200);
                } else {
                    assertError(base, 401, "UNAUTHORIZED");
                    assertThat(base.header("WWW-Authenticate")).hasValue("Basic realm=\"team \\\"registry\\\"\"");
                    assertError(http.get("/v2/public/p/tags/list"), 401, "UNAUTHORIZED");
                }
                assertStatus(http.get("/v2/", "Authorization", basic("alice", "alice-pw")), 200);
                // Empty credentials, as skopeo sends after a Basic challenge when it has none, are no credentials.
                assertStatus(http.get("/v2/", "Authorization", "Basic Og=="), admit ? 200 : 401);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ContainerUnderTest.class)
    void shouldAnswerAWrongPasswordAndAnUnknownUserAlikeAndThrottleGuessing(ContainerUnderTest container)
            throws Exception {
        Authenticator basic = BasicAuthenticator.builder(users()).admitAnonymous(true)
                .throttle(new LoginThrottle(3, Duration.ofMinutes(1))).build();
        try (RegistryServer server = container.startSecured(Registry.builder().authorizer(POLICY).build(), basic,
                null)) {
            RegistryHttp http = new RegistryHttp(server.baseUri());
            Response wrongPassword = http.get("/v2/", "Authorization", basic("alice", "guess"));
            Response unknownUser = http.get("/v2/", "Authorization", basic("mallory", "guess"));
            assertError(wrongPassword, 401, "UNAUTHORIZED");
            assertThat(normalized(unknownUser, "-")).isEqualTo(normalized(wrongPassword, "-"));
            for (String bad : List.of("Basic !!!", "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff}),
                    "Bearer abc", "Digest x")) {
                assertError(http.get("/v2/", "Authorization", bad), 401, "UNAUTHORIZED");
            }
            http.get("/v2/", "Authorization", basic("alice", "guess2"));
            http.get("/v2/", "Authorization", basic("alice", "guess3"));
            Response locked = http.get("/v2/", "Authorization", basic("alice", "alice-pw"));
            assertError(locked, 429, "TOOMANYREQUESTS");
            assertThat(locked.header("Retry-After").map(Integer::parseInt)).get().satisfies(s ->
                    assertThat(s).isBetween(1, 60));
            assertStatus(http.get("/v2/", "Authorization", basic("bob", "bob-pw")), 200);
            assertThat(locked.text()).doesNotContain("alice-pw");
        }
    }
}
