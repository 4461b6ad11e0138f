package dev.wharf.testing.launcher;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's warm-up thread: it may never stand in the way of a start, even when its work fails. */
class LauncherWarmUpTest {

    @Test
    void shouldEndQuietlyWhenItsWorkFails() throws InterruptedException {
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        CountDownLatch watched = new CountDownLatch(1);

        Thread warmUp = Launcher.warmUp(() -> {
            awaitQuietly(watched);
            throw new NoClassDefFoundError("com/fasterxml/jackson/databind/ObjectMapper");
        });
        warmUp.setUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
        watched.countDown();
        warmUp.join(10_000);

        assertThat(warmUp.isAlive()).isFalse();
        assertThat(uncaught.get()).as("reported by the thread").isNull();
    }

    @Test
    void shouldNeverKeepTheJvmAliveWhenStarted() throws InterruptedException {
        Thread warmUp = Launcher.warmUp(() -> { });
        assertThat(warmUp.isDaemon()).isTrue();
        warmUp.join(10_000);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
