package dev.wharf.servlet.auth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final CredentialCache cache = new CredentialCache(60_000_000_000L, now::get);

    @Test
    void shouldRememberOnlyTheExactCredentialsUntilTheyExpire() {
        cache.add("alice", "pw".toCharArray());
        assertThat(cache.contains("alice", "pw".toCharArray())).isTrue();
        assertThat(cache.contains("alice", "pw2".toCharArray())).isFalse();
        assertThat(cache.contains("alic", "epw".toCharArray())).as("user and password are kept apart").isFalse();
        now.addAndGet(60_000_000_000L);
        assertThat(cache.contains("alice", "pw".toCharArray())).isFalse();
    }

    @Test
    void shouldCheckConcurrentIdenticalCredentialsOnce() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> cache.verifyOnce("alice", "pw".toCharArray(), () -> {
                    checks.incrementAndGet();
                    try {
                        return release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })));
            }
            Thread.sleep(200); // let the callers pile up behind the first check
            release.countDown();
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(checks.get()).as("bcrypt checks").isLessThan(8);
        assertThat(cache.contains("alice", "pw".toCharArray())).isTrue();
        assertThat(cache.verifyOnce("alice", "wrong".toCharArray(), () -> false)).isFalse();
        assertThat(cache.contains("alice", "wrong".toCharArray())).isFalse();
    }

    @Test
    void shouldPassAFailingCheckOnAndForgetIt() {
        IllegalStateException broken = new IllegalStateException("directory down");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.verifyOnce("alice", "pw".toCharArray(), () -> {
            throw broken;
        })).isSameAs(broken);
        assertThat(cache.verifyOnce("alice", "pw".toCharArray(), () -> true)).as("the next check runs").isTrue();
    }
}
