package dev.wharf.servlet.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(1), now::get);

    @Test
    void shouldLockAUserAtAnAddressAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.attempt("alice", "10.0.0.1")).as("attempt %d", i).isEmpty();
        }
        assertThat(throttle.attempt("alice", "10.0.0.1")).hasValue(Duration.ofMinutes(1));
        assertThat(throttle.check("alice", "10.0.0.1")).hasValue(Duration.ofMinutes(1));
        now.addAndGet(Duration.ofSeconds(45).toNanos());
        assertThat(throttle.check("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(15));
        now.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(throttle.check("alice", "10.0.0.1")).isEmpty();
        assertThat(throttle.attempt("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldNotLockTheSameUserFromAnotherAddressOrAnotherUser() {
        for (int i = 0; i < 3; i++) {
            throttle.attempt("alice", "10.0.0.1");
        }
        assertThat(throttle.attempt("alice", "10.0.0.2")).isEmpty();
        assertThat(throttle.attempt("bob", "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldLockAnAddressThatFailsForManyUsers() {
        for (int i = 0; i < 15; i++) {
            throttle.attempt("user" + i, "10.0.0.9");
        }
        assertThat(throttle.attempt("someone-new", "10.0.0.9")).isPresent();
        assertThat(throttle.attempt("someone-new", "10.0.0.8")).isEmpty();
    }

    @Test
    void shouldTakeBackAUsersAttemptsWhenTheyLogIn() {
        throttle.attempt("alice", "10.0.0.1");
        throttle.attempt("alice", "10.0.0.1");
        throttle.succeeded("alice", "10.0.0.1");
        throttle.attempt("alice", "10.0.0.1");
        throttle.attempt("alice", "10.0.0.1");
        assertThat(throttle.check("alice", "10.0.0.1")).isEmpty();
        assertThat(throttle.attempt("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldLetOnlyTheLimitThroughWhenGuessesArriveInParallel() throws Exception {
        int guessers = 32;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < guessers; i++) {
                admitted.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return throttle.attempt("alice", "10.0.0.1").isEmpty();
                }));
            }
            start.countDown();
            int through = 0;
            for (Future<Boolean> guess : admitted) {
                through += guess.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(through).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseUselessSettings() {
        assertThatThrownBy(() -> new LoginThrottle(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoginThrottle(5, Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
    }
}
