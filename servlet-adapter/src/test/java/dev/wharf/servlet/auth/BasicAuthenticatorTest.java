package dev.wharf.servlet.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Basic logins against the throttle when many requests carry the same credentials at once. */
class BasicAuthenticatorTest {
    private static final String ADDRESS = "192.0.2.7";

    private static BasicCredentials credentials(String user, String password) {
        return BasicCredentials.parse("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))).orElseThrow();
    }

    /** Sends {@code n} logins at once while the password check is held, then lets it answer. */
    private static List<Authentication> concurrently(BasicAuthenticator basic, int n, String password,
                                                     CountDownLatch release) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Authentication>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> basic.check(credentials("alice", password), ADDRESS)));
            }
            Thread.sleep(300); // let them pile up behind the first check
            release.countDown();
            List<Authentication> out = new ArrayList<>();
            for (Future<Authentication> answer : answers) {
                out.add(answer.get(10, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNotLockOutABusyClientWhoseParallelRequestsShareOneCheck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger checks = new AtomicInteger();
        BasicAuthenticator basic = BasicAuthenticator.builder((user, password) -> {
            checks.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return user.equals("alice") && new String(password).equals("secret");
        }).throttle(new LoginThrottle(5, Duration.ofMinutes(1))).verifiedCredentialsLifetime(Duration.ZERO).build();

        List<Authentication> answers = concurrently(basic, 32, "secret", release);
        assertThat(answers).as("32 requests of one client with the right password, 5 attempts allowed")
                .allMatch(a -> a instanceof Authentication.Authenticated);
        assertThat(checks.get()).isLessThan(32);
    }

    @Test
    void shouldStillCountEveryDifferentGuess() throws Exception {
        BasicAuthenticator basic = BasicAuthenticator.builder((user, password) -> false)
                .throttle(new LoginThrottle(5, Duration.ofMinutes(1))).build();
        List<Authentication> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(basic.check(credentials("alice", "guess" + i), ADDRESS));
        }
        assertThat(answers.subList(0, 5)).allMatch(a -> a instanceof Authentication.Rejected);
        assertThat(answers.subList(5, 8)).allMatch(a -> a instanceof Authentication.Throttled);
        assertThat(basic.check(credentials("alice", "secret"), ADDRESS)).as("locked even for the right password")
                .isInstanceOf(Authentication.Throttled.class);
    }
}
