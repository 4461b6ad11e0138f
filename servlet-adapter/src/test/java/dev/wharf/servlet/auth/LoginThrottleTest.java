package dev.wharf.servlet.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(1), now::get);

    @Test
    void shouldLockAUserAtAnAddressAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.check("alice", "10.0.0.1")).as("attempt %d", i).isEmpty();
            throttle.failed("alice", "10.0.0.1");
        }
        assertThat(throttle.check("alice", "10.0.0.1")).hasValue(Duration.ofMinutes(1));
        now.addAndGet(Duration.ofSeconds(45).toNanos());
        assertThat(throttle.check("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(15));
        now.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(throttle.check("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldNotLockTheSameUserFromAnotherAddressOrAnotherUser() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        assertThat(throttle.check("alice", "10.0.0.2")).isEmpty();
        assertThat(throttle.check("bob", "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldLockAnAddressThatFailsForManyUsers() {
        for (int i = 0; i < 15; i++) {
            throttle.failed("user" + i, "10.0.0.9");
        }
        assertThat(throttle.check("someone-new", "10.0.0.9")).isPresent();
        assertThat(throttle.check("someone-new", "10.0.0.8")).isEmpty();
    }

    @Test
    void shouldClearAUsersFailuresWhenTheyLogIn() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.succeeded("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.check("alice", "10.0.0.1")).isEmpty();
    }

    @Test
    void shouldRefuseUselessSettings() {
        assertThatThrownBy(() -> new LoginThrottle(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LoginThrottle(5, Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
    }
}
