package dev.wharf.testing.launcher;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's warm-up thread: it may never stand in the way of a start, even when its work fails; and the
 * start-time settings it relies on.
 */
class LauncherWarmUpTest {

    @Test
    void shouldNameOnlyClassesTheJarHolds() {
        // A renamed class would be skipped in silence by the warm-up and the start would quietly slow down again.
        for (String type : Launcher.EARLY_CLASSES) {
            assertThat(Launcher.class.getClassLoader().getResource(type.replace('.', '/') + ".class")).as(type)
                    .isNotNull();
        }
    }

    @Test
    void shouldNameOnlyClassesThisJvmHas() throws ClassNotFoundException {
        // The JDK's among them are internal; on this JDK they exist, and a rename would show here first.
        for (String type : Launcher.SERVING_CLASSES) {
            assertThat(Class.forName(type, false, Launcher.class.getClassLoader())).as(type).isNotNull();
        }
    }

    @Test
    void shouldChooseLightLocaleDataOnlyWhenTheCommandLineDidNot() {
        String before = System.getProperty("java.locale.providers");
        try {
            System.setProperty("java.locale.providers", "CLDR,COMPAT");
            Launcher.lightLocaleData();
            assertThat(System.getProperty("java.locale.providers")).isEqualTo("CLDR,COMPAT");
            System.clearProperty("java.locale.providers");
            Launcher.lightLocaleData();
            assertThat(System.getProperty("java.locale.providers")).isEqualTo("HOST");
        } finally {
            if (before == null) {
                System.clearProperty("java.locale.providers");
            } else {
                System.setProperty("java.locale.providers", before);
            }
        }
    }

    @Test
    void shouldWarmUpOnlyForAStartOfTheServer() {
        assertThat(LauncherOptions.mayServe(new String[0])).isTrue();
        assertThat(LauncherOptions.mayServe(new String[] {"--port", "5000", "--data-dir", "/var/lib/wharf"})).isTrue();
        assertThat(LauncherOptions.mayServe(new String[] {"--data-dir", "d", "--help"})).isFalse();
        assertThat(LauncherOptions.mayServe(new String[] {"-h"})).isFalse();
        assertThat(LauncherOptions.mayServe(new String[] {"--data-dir", "d", "--backup-to", "b"})).isFalse();
        assertThat(LauncherOptions.mayServe(new String[] {"--data-dir", "d", "--backup-to=b"})).isFalse();
    }

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
